// `CALLBACK_ALLOWLIST= ADMIN_KEYS= npm start`: the user's empty values reach the functions as set, so
// a loopback callback is refused (no exceptions, not the dev default 127.0.0.1,localhost) and no key
// is an admin.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startStack, type Stack } from '../../dev/stack.js';
import { requireEmulators } from '../support/test-env.js';

const KEY = `team-key-${randomUUID()}`;
let stack: Stack;

before(async () => {
  stack = await startStack({
    ports: 'free',
    userEnv: { CALLBACK_ALLOWLIST: '', ADMIN_KEYS: '', API_KEYS: `team:${KEY}`, LOG_LEVEL: 'ERROR' },
    projectId: `empty-${randomUUID().slice(0, 8)}`,
    emulators: requireEmulators(),
    only: ['enqueue'],
    schedules: false,
  });
});
after(async () => {
  await stack?.stop();
});

const submit = (body: Record<string, unknown>) => fetch(`${stack.apiUrl}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify(body) });

test('CALLBACK_ALLOWLIST= reaches the API empty: a loopback callback is refused', async () => {
  const res = await submit({ prompt: 'x', callback_url: 'http://127.0.0.1:9/hook' });
  assert.equal(res.status, 400, await res.clone().text());
  assert.match(JSON.stringify(await res.json()), /callback_url/);
  const environ = readFileSync(`/proc/${stack.functions.enqueue!.current().child.pid}/environ`, 'utf8').split('\0');
  assert.ok(environ.includes('CALLBACK_ALLOWLIST='), 'the function got the empty value');
  assert.ok(environ.includes('ADMIN_KEYS='));
  assert.deepEqual(stack.config.CALLBACK_ALLOWLIST, []);
});

test('ADMIN_KEYS= reaches the API empty: no key is an admin', async () => {
  assert.deepEqual(stack.config.ADMIN_KEYS, []);
  const res = await fetch(`${stack.apiUrl}/queue/stats`, { headers: { 'x-api-key': KEY } });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { scope: string }).scope, 'owner');
});
