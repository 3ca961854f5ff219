// `environment` in a JobRequest: a name or an inline EnvironmentSpec, each refusal naming the field;
// the job's copy drops the secrets' values; file and schedule jobs may only give an inline spec
// without secrets; the API's view of a job never holds the sealed secrets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeIssues, jobRequestSchema } from '../../../shared/jobs/job-request.js';
import { newJobDocument, publicJob, specFromRequest } from '../../../shared/jobs/job-document.js';
import { messageFromJob } from '../../../shared/jobs/job-message.js';
import { promptFileRequest } from '../../../shared/intake/prompt-file.js';
import { parseSchedules } from '../../../shared/intake/schedules.js';
import { sealSecrets } from '../../../shared/environment/secret-box.js';
import { jobEnvironmentOf } from '../../../shared/environment/environment-schemas.js';

const schema = jobRequestSchema(480_000);
const fields = (r: unknown) => {
  const parsed = schema.safeParse(r);
  assert.ok(!parsed.success, 'expected a refusal');
  return describeIssues(parsed.error).map((d) => d.field);
};

describe('JobRequest.environment', () => {
  it('takes a name or an inline spec', () => {
    assert.equal(schema.parse({ prompt: 'p', environment: 'node-app' }).environment, 'node-app');
    const inline = schema.parse({ prompt: 'p', environment: { setup: 'npm ci', network: { agent: { allow: ['@common-dependencies'] } } } }).environment;
    assert.ok(typeof inline === 'object' && inline.setup === 'npm ci');
  });
  it('names the bad part: a bad name is `environment`, a bad inline field is its path', () => {
    assert.deepEqual(fields({ prompt: 'p', environment: 'Bad Name' }), ['environment']);
    assert.deepEqual(fields({ prompt: 'p', environment: 7 }), ['environment']);
    assert.deepEqual(fields({ prompt: 'p', environment: { setup: 'x', network: { agent: 'sometimes' } } }), ['environment.network.agent']);
    assert.deepEqual(fields({ prompt: 'p', environment: { setup: 'x', nope: 1 } }), ['environment.nope']);
  });
});

describe('the job copy', () => {
  it('keeps the secrets by name only, and an inline spec without secrets needs no lookup', () => {
    const request = schema.parse({ prompt: 'p', environment: { setup: 'true', env: { A: '1' } } });
    const spec = specFromRequest(request, { job_id: 'j1', owner: 'alice', source: 'storage', source_ref: null, lane: 'normal' });
    assert.deepEqual(spec.environment, { name: null, setup: 'true', env: { A: '1' }, secrets: [], network: {} });
    assert.equal(spec.environment_secrets, null);
    assert.deepEqual(jobEnvironmentOf({ setup: '', env: {}, secrets: { Z: 'z', A: 'a' }, network: {} }, 'n').secrets, ['A', 'Z']);
  });
  it('refuses to make a job from a name or secrets it was not given resolved', () => {
    assert.throws(() => specFromRequest(schema.parse({ prompt: 'p', environment: 'n' }), { job_id: 'j', owner: 'o', source: 'http', source_ref: null, lane: 'normal' }));
  });
  it('the message carries the sealed secrets; the API view of the job does not', () => {
    const sealed = sealSecrets({ T: 'v' }, 'ef'.repeat(32));
    const spec = specFromRequest(schema.parse({ prompt: 'p', environment: 'n' }), { job_id: 'j', owner: 'o', source: 'http', source_ref: null, lane: 'normal', environment: { environment: jobEnvironmentOf({ setup: '', env: {}, secrets: { T: 'v' }, network: {} }, 'n'), environment_secrets: sealed } });
    const doc = newJobDocument(spec, 30);
    assert.deepEqual(messageFromJob(doc).environment_secrets, sealed);
    assert.ok(!('environment_secrets' in publicJob(doc)));
    assert.equal(publicJob(doc).environment?.name, 'n');
  });
});

describe('file and schedule jobs', () => {
  const file = (front: string) => promptFileRequest(new TextEncoder().encode(`---\n${front}\n---\nDo it`), { label: 'x.prompt', metadata: {}, maxTimeoutMs: 480_000 });
  it('a prompt file may give an inline spec without secrets', () => {
    const ok = file('environment: {"setup": "npm ci"}');
    assert.ok(ok.ok, JSON.stringify(ok));
  });
  it('a prompt file naming a stored environment, or carrying secrets, fails naming environment', () => {
    for (const front of ['environment: node-app', 'environment: {"setup": "x", "secrets": {"T": "v"}}']) {
      const r = file(front);
      assert.ok(!r.ok, front);
      assert.match((r as { message: string }).message, /environment/);
    }
  });
  it('a schedule naming a stored environment is refused when the file is read', () => {
    assert.throws(() => parseSchedules([{ name: 's', cron: '* * * * *', time_zone: 'UTC', request: { prompt: 'p', environment: 'node-app' } }], 480_000), /environment/);
    assert.equal(parseSchedules([{ name: 's', cron: '* * * * *', time_zone: 'UTC', request: { prompt: 'p', environment: { setup: 'true' } } }], 480_000).length, 1);
  });
});
