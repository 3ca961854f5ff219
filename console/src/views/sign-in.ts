// Sign-in: the API key is checked against the API (GET /jobs?limit=1), then kept in sessionStorage.
import { ApiFailure, apiJson } from '../api-client.js';
import { h } from '../dom.js';
import { storeKey } from '../key-store.js';
import type { ViewContext } from '../view.js';

export function renderSignIn(ctx: ViewContext, reason: string | undefined, done: () => void): void {
  const error = h('p', { class: 'error', id: 'sign-in-error', role: 'alert' }, reason ?? '');
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'api-key-help sign-in-error' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card sign-in', method: 'post', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', tabindex: '-1' }, 'Sign in'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { id: 'api-key-help', class: 'help' }, 'The key is sent as the X-API-Key header and kept only in this tab (sessionStorage) until you sign out or close it.'),
    button,
    error,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    if (!key) {
      error.textContent = 'Enter an API key.';
      input.focus();
      return;
    }
    button.disabled = true;
    error.textContent = '';
    apiJson('jobs?limit=1', { key })
      .then(() => {
        storeKey(key);
        ctx.announce('Signed in.');
        done();
      })
      .catch((err: unknown) => {
        error.textContent = err instanceof ApiFailure && err.status === 401 ? 'That key was not accepted by the API.' : `Could not sign in: ${(err as Error).message}`;
        input.focus();
      })
      .finally(() => (button.disabled = false));
  });
  ctx.main.replaceChildren(form);
  input.focus();
}
