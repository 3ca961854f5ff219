// A Gitea host has no GitHub App: with the App configured, its credentials are still
// GIT_CREDENTIALS' token and its API is never asked for an installation (a GitHub host is).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import { forgetInstallationTokens } from '../../../shared/delivery/github-app.js';
import { hostCredentials } from '../../../shared/delivery/host-credentials.js';

test('a gitea host uses GIT_CREDENTIALS and asks nothing of the App; a github host asks for the installation', async () => {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const config = (kind: string) => parseConfig({ FORGE_HOSTS: `${host}=${kind}@http://${host}/api/v1`, GIT_CREDENTIALS: `${host}=tea-token`, GITHUB_APP_ID: '12', GITHUB_APP_PRIVATE_KEY: pem });
    const url = new URL(`http://${host}/owner/repo.git`);
    assert.deepEqual(await hostCredentials(url, config('gitea')), { credentials: [`${host}=tea-token`], token: 'tea-token', source: 'git_credentials' });
    assert.equal(asked.length, 0, `the App was asked about a Gitea repository: ${asked.join(', ')}`);
    forgetInstallationTokens();
    assert.equal((await hostCredentials(url, config('github'))).source, 'git_credentials');
    assert.ok(asked.some((r) => r.includes('/repos/owner/repo/installation')), `a GitHub host asks for the installation: ${asked.join(', ')}`);
  } finally {
    forgetInstallationTokens();
    server.close();
  }
});
