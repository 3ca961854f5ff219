// An agent that keeps swapping an output file for a symlink (to /proc/self/environ, to a host file)
// from a background loop gets none of their contents into its outputs: the loop ends with the turn's
// PID namespace before the snapshot, and every upload opens the file without following links and
// checks it is the very file the snapshot saw.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { resultObjectName } from '../../../shared/processor/run-claimed-job.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';
import { processesMatching } from '../../support/process-table.js';

const SECRET = `secret-${randomUUID()}`;
const HOST_MARKER = `host-file-${randomUUID()}`;
let h: ProcessorHarness;
let hostDir: string;
before(async () => {
  process.env.CODEX_JOBS_TEST_SECRET = SECRET; // in the processor's own environment, as a real secret would be
  hostDir = mkdtempSync(path.join(os.tmpdir(), 'host-secret-'));
  writeFileSync(path.join(hostDir, 'secret.txt'), HOST_MARKER);
  h = await processorHarness();
});
after(async () => {
  delete process.env.CODEX_JOBS_TEST_SECRET;
  rmSync(hostDir, { recursive: true, force: true });
  await h.close();
});

test('a background loop swapping outputs for symlinks to /proc/self/environ and a host file leaks neither', async () => {
  const hostFile = path.join(hostDir, 'secret.txt');
  const loop = `while :; do echo plain > env.txt; ln -sf /proc/self/environ env.txt; echo plain > host.txt; ln -sf ${hostFile} host.txt; echo ok > stable.txt; done`;
  const { job, message } = await h.submit({ prompt: `swap marker-sw [[cmd:(nohup sh -c '${loop}' >/dev/null 2>&1 &) ; sleep 1; echo looping]] [[final:swapping]]` });
  assert.deepEqual(await h.deliver(message), { ack: true, reason: 'ran' });
  assert.deepEqual(processesMatching('ln -sf /proc/self/environ'), [], 'the loop ended with the turn');
  const done = await h.deps.store.get(job.job_id);
  assert.equal(done?.status, 'completed', JSON.stringify(done?.error));
  const [objects] = await h.env.storage.bucket(h.env.config.OUTPUTS_BUCKET).getFiles({ prefix: `jobs/${job.job_id}/outputs/` });
  assert.ok(objects.some((o) => o.name.endsWith('/stable.txt')), `the regular output is there (${objects.map((o) => o.name).join(', ')})`);
  for (const object of objects) {
    const [bytes] = await object.download();
    const text = bytes.toString('utf8');
    assert.ok(!text.includes(SECRET), `${object.name} holds the processor's environment`);
    assert.ok(!text.includes(HOST_MARKER), `${object.name} holds the host file`);
    assert.ok(!text.includes('PATH='), `${object.name} looks like an environ`);
  }
  const [resultJson] = await h.env.storage.bucket(h.env.config.RESULTS_BUCKET).file(resultObjectName(job.job_id)).download();
  assert.ok(!resultJson.toString('utf8').includes(SECRET));
});
