// The console's entry: the shell (navigation, sign-out), the hash router, and the sign-in gate.
import { onSignedOut } from './api-client.js';
import { fill, h } from './dom.js';
import { forgetKey, storedKey } from './key-store.js';
import { parseRoute } from './router.js';
import type { Dispose, ViewContext } from './view.js';
import { renderJobList } from './views/job-list.js';
import { renderJobPage } from './views/job-page.js';
import { renderNewJob } from './views/new-job.js';
import { renderQueueStats } from './views/queue-stats.js';
import { renderSignIn } from './views/sign-in.js';
import { renderEnvironments } from './views/environments.js';
import { renderUsage } from './views/usage.js';

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const announcer = document.getElementById('announcer')!;
let dispose: Dispose = () => undefined;
let firstRender = true;

const ctx: ViewContext = {
  main,
  announce(text) {
    announcer.textContent = '';
    // A fresh text node after clearing makes screen readers read repeated messages too.
    setTimeout(() => (announcer.textContent = text), 50);
  },
  focus(el) {
    if (!firstRender) el.focus();
  },
  navigate(hash) {
    if (location.hash === hash) render();
    else location.hash = hash;
  },
};

function signOut(reason?: string): void {
  forgetKey();
  render(reason);
}

function renderNav(route: string | undefined): void {
  if (!storedKey()) {
    nav.replaceChildren();
    return;
  }
  const link = (href: string, label: string, name: string) => h('a', { href, ...(route === name ? { 'aria-current': 'page' } : {}) }, label);
  fill(
    nav,
    h('ul', {}, h('li', {}, link('#/jobs', 'Jobs', 'jobs')), h('li', {}, link('#/new', 'New job', 'new')), h('li', {}, link('#/stats', 'Queue stats', 'stats')), h('li', {}, link('#/environments', 'Environments', 'environments')), h('li', {}, link('#/usage', 'Usage', 'usage'))),
    h('button', { type: 'button', id: 'sign-out', onclick: () => (signOut(), ctx.announce('Signed out.')) }, 'Sign out'),
  );
}

function render(reason?: string): void {
  dispose();
  dispose = () => undefined;
  if (!storedKey()) {
    renderNav(undefined);
    document.title = 'Sign in · codex-jobs console';
    renderSignIn(ctx, reason, () => render());
    firstRender = false;
    return;
  }
  const route = parseRoute(location.hash);
  renderNav(route.view === 'job' ? 'jobs' : route.view);
  switch (route.view) {
    case 'jobs':
      dispose = renderJobList(ctx, route.query);
      break;
    case 'job':
      dispose = renderJobPage(ctx, route.jobId);
      break;
    case 'new':
      dispose = renderNewJob(ctx);
      break;
    case 'stats':
      dispose = renderQueueStats(ctx);
      break;
    case 'environments':
      dispose = renderEnvironments(ctx);
      break;
    case 'usage':
      dispose = renderUsage(ctx);
      break;
  }
  firstRender = false;
}

// The skip link moves focus without touching the hash (which holds the route).
document.getElementById('skip')!.addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
});
onSignedOut((why) => render(why));
window.addEventListener('hashchange', () => render());
window.addEventListener('storage', () => storedKey() || render());
render();
