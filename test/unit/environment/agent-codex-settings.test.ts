// What an environment adds to the agent's config.toml: its env for the commands, and network access
// (through the gate) only when the agent's policy is not "off"; its secrets never.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configToml } from '../../../shared/codex/codex-home.js';
import { environmentSpecSchema } from '../../../shared/environment/environment-spec.js';
import { agentCodexSettings } from '../../../shared/environment/job-environment.js';

const provider = { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'k', model: 'm' };

test('the agent gets the env but not the secrets; network access and proxy variables only with a policy other than "off"', () => {
  const off = environmentSpecSchema.parse({ env: { NODE_ENV: 'test' }, secrets: { NPM_TOKEN: 'secret-value-1' } });
  const offToml = configToml(provider, 'workspace-write', agentCodexSettings({ spec: off, secrets: off.secrets }));
  assert.match(offToml, /\[shell_environment_policy\.set\]\nNODE_ENV = "test"/);
  assert.ok(!offToml.includes('network_access'));
  assert.ok(!offToml.includes('HTTP_PROXY'));
  assert.ok(!offToml.includes('secret-value-1') && !offToml.includes('NPM_TOKEN ='));

  const on = environmentSpecSchema.parse({ network: { agent: { allow: ['registry.npmjs.org'] } } });
  const onToml = configToml(provider, 'workspace-write', agentCodexSettings({ spec: on, secrets: {} }));
  assert.match(onToml, /network_access = true/);
  assert.match(onToml, /HTTPS_PROXY = "http:\/\/127\.0\.0\.1:3128"/);
  assert.match(onToml, /NO_PROXY = ""/);
  assert.equal(configToml(provider, 'workspace-write'), configToml(provider, 'workspace-write', agentCodexSettings(null)), 'no environment: the config as before');
});
