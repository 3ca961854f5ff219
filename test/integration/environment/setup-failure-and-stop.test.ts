// A failing setup ends the job `setup_failed` with its exit code and last lines, and no turn runs;
// a setup that outlives the job's timeout_ms is stopped like a turn, with nothing it started left;
// setup runs in the job's private temp view (it sees no other job's folder).
import { appFolderUnderTemp } from '../../../shared/codex/private-temp.js';
import assert from 'node:assert/strict';
import { unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { processesMatching } from '../../support/process-table.js';
import { envHarness, setupEvents, type EnvHarness } from './env-harness.js';

let env: EnvHarness;
before(async () => {
  env = await envHarness([]);
});
after(async () => {
  await env.close();
});

test('a non-zero exit of setup fails the job with setup_failed, the exit code and the last lines; no turn runs', async () => {
  const marker = `setup-fails-${Date.now()}`;
  const { job, events } = await env.run({ prompt: `${marker} [[cmd:echo should-not-run]]`, timeout_ms: 60_000 }, { setup: 'echo preparing\necho "the lockfile is broken" >&2\nexit 3\necho never' });
  assert.equal(job.status, 'failed');
  assert.equal(job.error?.code, 'setup_failed');
  assert.match(job.error!.message, /code 3/);
  assert.match(job.error!.message, /the lockfile is broken/);
  const setup = setupEvents(events);
  assert.equal(setup.at(-1)?.stage, 'finished');
  assert.equal(setup.at(-1)?.exit_code, 3);
  assert.ok(!setup.some((s) => s.line === 'never'), 'set -e stops the script at the failing line');
  assert.equal(env.h.modelRequestsFor(marker).length, 0, 'no turn ran');
  assert.ok(!events.some((e) => e.type === 'command'));
});

test('setup counts toward timeout_ms: a setup that runs past it ends the job timeout and every process it started ends', async () => {
  const marker = `setup-sleeper-${Date.now()}`;
  let seenRunning = false;
  const watch = setInterval(() => (seenRunning ||= processesMatching(marker).length > 0), 100);
  const { job, events } = await env.run(
    { prompt: '[[cmd:echo should-not-run]]', timeout_ms: 8_000 },
    // A background child that would outlive its script, then a foreground wait past the timeout.
    { setup: `(exec -a ${marker} sleep 300) &\necho started-child\nexec -a ${marker}-fg sleep 300` },
  );
  clearInterval(watch);
  assert.equal(job.status, 'failed');
  assert.equal(job.error?.code, 'timeout');
  const setup = setupEvents(events);
  assert.ok(setup.some((s) => s.line === 'started-child'));
  assert.equal(setup.at(-1)?.stopped, 'timeout');
  assert.ok(!events.some((e) => e.type === 'command'), 'no turn ran');
  assert.ok(seenRunning, 'the sleepers ran while setup did');
  assert.deepEqual(processesMatching(marker), [], 'nothing setup started is left');
});

test('setup runs in the private temp view of its job: the temp area holds only its own job folder', async () => {
  const tmp = os.tmpdir();
  const decoy = path.join(tmp, `codex-job-another-${Date.now()}`);
  await writeFile(decoy, 'not yours\n');
  try {
    const { job, events } = await env.run({ prompt: '[[final:done]]', timeout_ms: 60_000 }, { setup: `echo "listing:$(ls -A ${JSON.stringify(tmp)} | tr '\\n' ' ')"\necho "tmpdir:$TMPDIR"` });
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    const lines = setupEvents(events).map((s) => String(s.line ?? ''));
    const listing = lines.find((l) => l.startsWith('listing:'))!.slice('listing:'.length).trim().split(' ').filter(Boolean);
    const jobTmp = lines.find((l) => l.startsWith('tmpdir:'))!.slice('tmpdir:'.length);
    assert.ok(!listing.includes(path.basename(decoy)), `setup saw a file of the shared temp dir: ${listing.join(' ')}`);
    // `codex sandbox` makes its own codex-daemon-UID folder at start, in the job's private tmpfs.
    // The app's own folder stays visible when it is installed under the temp dir (a CI clone): private-temp.ts.
    const app = new Set(appFolderUnderTemp([tmp]).map((a) => path.relative(tmp, a).split(path.sep)[0]));
    const seen = listing.filter((e) => !/^codex-daemon-\d+$/.test(e) && !app.has(e));
    assert.deepEqual(seen, [path.relative(tmp, jobTmp).split(path.sep)[0]], 'only the way to its own job folder');
  } finally {
    await unlink(decoy);
  }
});
