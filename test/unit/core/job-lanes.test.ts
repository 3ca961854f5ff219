// The lane rule (shared/jobs/job-lane.ts) and its configuration: LONG_JOBS_TOPIC unset = the default
// long lane, set to the empty string = no long lane; MAX_LONG_JOB_TIMEOUT_MS ≤ 24 h.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../shared/config.js';
import { laneFor, laneTopic, LaneError, timeoutLimits } from '../../../shared/jobs/job-lane.js';
import { describeIssues, jobRequestSchema } from '../../../shared/jobs/job-request.js';

describe('long-lane configuration', () => {
  it('defaults: codex-jobs-long, 4 h, 2 jobs per worker, subscription codex-jobs-long-worker', () => {
    const c = parseConfig({});
    assert.equal(c.LONG_JOBS_TOPIC, 'codex-jobs-long');
    assert.equal(c.MAX_LONG_JOB_TIMEOUT_MS, 14_400_000);
    assert.equal(c.WORKER_CONCURRENCY, 2);
    assert.equal(c.LONG_JOBS_SUBSCRIPTION, 'codex-jobs-long-worker');
  });
  it('LONG_JOBS_TOPIC set to the empty string means no long lane (unlike other variables, where empty = default)', () => {
    assert.equal(parseConfig({ LONG_JOBS_TOPIC: '' }).LONG_JOBS_TOPIC, '');
    assert.equal(parseConfig({ LONG_JOBS_TOPIC: '  ' }).LONG_JOBS_TOPIC, '');
    assert.equal(parseConfig({ JOBS_TOPIC: '' }).JOBS_TOPIC, 'codex-jobs');
    assert.equal(parseConfig({ LONG_JOBS_TOPIC: 'my-long' }).LONG_JOBS_SUBSCRIPTION, 'my-long-worker');
  });
  it('MAX_LONG_JOB_TIMEOUT_MS is at most 24 h and not below MAX_JOB_TIMEOUT_MS; WORKER_CONCURRENCY ≥ 1', () => {
    assert.equal(parseConfig({ MAX_LONG_JOB_TIMEOUT_MS: '86400000' }).MAX_LONG_JOB_TIMEOUT_MS, 86_400_000);
    assert.throws(() => parseConfig({ MAX_LONG_JOB_TIMEOUT_MS: '86400001' }), /MAX_LONG_JOB_TIMEOUT_MS/);
    assert.throws(() => parseConfig({ MAX_LONG_JOB_TIMEOUT_MS: '100000' }), /MAX_LONG_JOB_TIMEOUT_MS=100000: must be at least MAX_JOB_TIMEOUT_MS/);
    assert.throws(() => parseConfig({ WORKER_CONCURRENCY: '0' }), /WORKER_CONCURRENCY/);
  });
});

describe('laneFor', () => {
  const withLong = parseConfig({});
  const noLong = parseConfig({ LONG_JOBS_TOPIC: '' });
  it('push lanes up to MAX_JOB_TIMEOUT_MS by priority; above it the long lane for every priority', () => {
    assert.equal(laneFor({ timeout_ms: 480_000, priority: 'low' }, withLong), 'normal');
    assert.equal(laneFor({ timeout_ms: 480_000, priority: 'normal' }, withLong), 'normal');
    assert.equal(laneFor({ timeout_ms: 30_000, priority: 'high' }, withLong), 'priority');
    assert.equal(laneFor({ timeout_ms: 30_000, priority: 'critical' }, withLong), 'priority');
    for (const priority of ['low', 'normal', 'high', 'critical'] as const) assert.equal(laneFor({ timeout_ms: 480_001, priority }, withLong), 'long');
    assert.equal(laneFor({ timeout_ms: 14_400_000, priority: 'normal' }, withLong), 'long');
    assert.throws(() => laneFor({ timeout_ms: 14_400_001, priority: 'normal' }, withLong), LaneError);
    assert.throws(() => laneFor({ timeout_ms: 480_001, priority: 'normal' }, noLong), /LONG_JOBS_TOPIC is empty/);
  });
  it('each lane has its topic; no long topic without a long lane', () => {
    assert.equal(laneTopic('normal', withLong), 'codex-jobs');
    assert.equal(laneTopic('priority', withLong), 'codex-jobs-priority');
    assert.equal(laneTopic('long', withLong), 'codex-jobs-long');
    assert.throws(() => laneTopic('long', noLong), LaneError);
  });
  it('the request schema takes what some lane takes, and says why when none does', () => {
    assert.equal(jobRequestSchema(timeoutLimits(withLong)).parse({ prompt: 'x', timeout_ms: 1_800_000 }).timeout_ms, 1_800_000);
    const refused = jobRequestSchema(timeoutLimits(noLong)).safeParse({ prompt: 'x', timeout_ms: 1_800_000 });
    assert.ok(!refused.success);
    const [issue] = describeIssues(refused.error);
    assert.equal(issue!.field, 'timeout_ms');
    assert.match(issue!.message, /needs the long lane, and this deployment has none \(LONG_JOBS_TOPIC is empty\)/);
    const tooLong = jobRequestSchema(timeoutLimits(withLong)).safeParse({ prompt: 'x', timeout_ms: 14_400_001 });
    assert.ok(!tooLong.success);
    assert.match(describeIssues(tooLong.error)[0]!.message, /at most 14400000 ms \(MAX_LONG_JOB_TIMEOUT_MS/);
  });
});
