// npm start makes a local ENV_SECRETS_KEY when the user sets none (a fresh one per start, valid for
// the config), and the user's own key wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import { resolveStackEnv } from '../../../dev/stack-env.js';

test('the local stack makes a 32-byte ENV_SECRETS_KEY when unset; the user’s wins', () => {
  const made = resolveStackEnv({ user: {} });
  assert.ok(made.defaulted.includes('ENV_SECRETS_KEY'));
  assert.equal(Buffer.from(made.env.ENV_SECRETS_KEY!, 'base64').length, 32);
  assert.equal(parseConfig(made.env).ENV_SECRETS_KEY, made.env.ENV_SECRETS_KEY);
  assert.notEqual(resolveStackEnv({ user: {} }).env.ENV_SECRETS_KEY, made.env.ENV_SECRETS_KEY, 'a fresh key per start');
  const mine = 'f'.repeat(64);
  const given = resolveStackEnv({ user: { ENV_SECRETS_KEY: mine } });
  assert.equal(given.env.ENV_SECRETS_KEY, mine);
  assert.ok(!given.defaulted.includes('ENV_SECRETS_KEY'));
});
