// The network policy holds against the real codex binary: setup reaches an allowed local server
// through the egress proxy; the agent's allowlist lets one host answer and refuses another with a
// `network` event; a direct connection that ignores the proxy variables has no route; the metadata
// host and a private address stay refused even when put in `allow`; with the agent's policy "off"
// (the default) curl and node's fetch fail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { commandEvents, envHarness, networkEvents, plainServer, setupEvents, type EnvHarness } from './env-harness.js';

let env: EnvHarness;
let server: Awaited<ReturnType<typeof plainServer>>;

before(async () => {
  env = await envHarness(['127.0.0.1']);
  server = await plainServer();
});
after(async () => {
  await server.close();
  await env.close();
});

test('setup reaches an allowed local server; the agent allowlist answers one host, refuses others, and a direct connection has no route', async () => {
  const base = `http://127.0.0.1:${server.port}`;
  const cmds = [
    `curl -sS -m 10 ${base}/agent-allowed`,
    `curl -sS -m 10 -o /dev/null -w 'refused-status=%{http_code}' http://127.0.0.2:${server.port}/agent-other`,
    `curl -sS -m 5 --noproxy '*' ${base}/agent-direct || echo direct-failed`,
    `curl -sS -m 5 -o /dev/null -w 'metadata-status=%{http_code}' http://169.254.169.254/computeMetadata/v1/`,
    `curl -sS -m 5 -o /dev/null -w 'private-status=%{http_code}' http://10.1.2.3/`,
  ];
  const { job, events } = await env.run(
    { prompt: cmds.map((c) => `[[cmd:${c}]]`).join(' '), timeout_ms: 120_000 },
    { setup: `curl -sS -m 10 ${base}/setup-fetch > fetched.txt\ncat fetched.txt`, network: { agent: { allow: ['127.0.0.1', '127.0.0.2', '169.254.169.254', 'metadata.google.internal', '10.1.2.3'] } } },
  );
  assert.equal(job.status, 'completed', JSON.stringify(job.error));
  const setup = setupEvents(events);
  assert.deepEqual(setup.map((s) => s.stage), ['started', 'output', 'finished']);
  assert.equal(setup[1]!.line, 'ok /setup-fetch');
  assert.equal(setup[2]!.exit_code, 0);
  const out = commandEvents(events).map((e) => String(e.data.output));
  assert.match(out[0]!, /ok \/agent-allowed/);
  assert.match(out[1]!, /refused-status=403/);
  assert.match(out[2]!, /direct-failed/);
  assert.match(out[3]!, /metadata-status=403/);
  assert.match(out[4]!, /private-status=403/);
  // Only what the policy let through reached the server: never the direct connection.
  assert.deepEqual(server.paths.sort(), ['/agent-allowed', '/setup-fetch']);
  const net = networkEvents(events);
  const find = (phase: string, host: string) => net.find((n) => n.phase === phase && n.host === host);
  assert.equal(find('setup', '127.0.0.1')?.allowed, true);
  assert.equal(find('agent', '127.0.0.1')?.allowed, true);
  assert.equal(find('agent', '127.0.0.2')?.allowed, false);
  assert.match(String(find('agent', '127.0.0.2')?.reason), /NETWORK_PRIVATE_ALLOWLIST/);
  assert.equal(find('agent', '169.254.169.254')?.allowed, false);
  assert.match(String(find('agent', '169.254.169.254')?.reason), /metadata/);
  assert.equal(find('agent', '10.1.2.3')?.allowed, false);
});

test('with the agent policy "off" (the default) neither curl nor node reaches a server setup could reach', async () => {
  const base = `http://127.0.0.1:${server.port}`;
  const cmds = [
    `curl -sS -m 5 ${base}/agent-off || echo curl-failed`,
    `node -e "fetch('${base}/agent-off-node').then(r => console.log('status', r.status), e => console.log('node-failed', String(e.cause ?? e)))"`,
  ];
  const { job, events } = await env.run({ prompt: cmds.map((c) => `[[cmd:${c}]]`).join(' '), timeout_ms: 120_000 }, { setup: `curl -sS -m 10 ${base}/setup-on` });
  assert.equal(job.status, 'completed', JSON.stringify(job.error));
  const out = commandEvents(events).map((e) => String(e.data.output));
  assert.match(out[0]!, /curl-failed/);
  assert.match(out[1]!, /node-failed/);
  assert.ok(server.paths.includes('/setup-on'));
  assert.ok(!server.paths.some((p) => p.startsWith('/agent-off')));
});
