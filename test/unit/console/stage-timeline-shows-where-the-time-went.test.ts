// The console's "Where the time went" model (console/src/stage-timeline-model.ts, run in Node on the
// built browser module): the queue wait from created_at to started_at, the processor's stages from the
// `stages` event exactly as shared/telemetry/job-stages.ts makes it, and the webhook from the job's
// callback field (delivered, failed, pending), each placed from the submit with its duration.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { JobStages } from '../../../shared/telemetry/job-stages.js';

// Shapes of the browser module as these tests use it (it is not part of this program's build).
interface StageRow { key: string; label: string; startMs: number | null; durationMs: number | null; note: string }
interface Model { rows: StageRow[]; spanMs: number }
interface Job { status: string; created_at: string; started_at?: string | null; completed_at?: string | null; callback_url?: string | null; callback?: Record<string, unknown> | null }
interface Timing { name: string; started_at: string; duration_ms: number }

const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../console');
const { stageTimeline, stagesOf } = (await import(pathToFileURL(path.join(consoleDir, 'stage-timeline-model.js')).href)) as {
  stageTimeline(job: Job, stages: Timing[], now?: number): Model;
  stagesOf(data: unknown): Timing[];
};

const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const stage = (name: string, from: number, ms: number): Timing => ({ name, started_at: iso(from), duration_ms: ms });
const STAGES = [stage('job.claim', 2000, 40), stage('job.workspace', 2040, 300), stage('job.setup', 2340, 1500), stage('job.turn', 3840, 20_000), stage('job.outputs', 23_840, 200), stage('job.delivery', 24_040, 900)];
const completed: Job = { status: 'completed', created_at: iso(0), started_at: iso(2000), completed_at: iso(25_000), callback_url: 'https://hooks.example/x', callback: { state: 'delivered', attempts: 2, last_status: 200, delivered_at: iso(31_000) } };
const table = (m: Model) => m.rows.map((r) => [r.key, r.label, r.startMs, r.durationMs, r.note]);

describe('the console shows where a job’s time went', () => {
  it('reads the stages event as the processor writes it (shared/telemetry/job-stages.ts)', async () => {
    const stages = new JobStages({ job_id: 'j' });
    await stages.run('job.claim', async () => ({ outcome: 'claimed' }));
    for (const name of ['job.workspace', 'job.setup', 'job.turn', 'job.outputs', 'job.delivery'] as const) stages.begin(name);
    stages.end();
    // Through JSON, as the event reaches the console over the event stream.
    const read = stagesOf(JSON.parse(JSON.stringify(stages.eventData())));
    assert.deepEqual(read.map((s) => s.name), ['job.claim', 'job.workspace', 'job.setup', 'job.turn', 'job.outputs', 'job.delivery']);
    const rows = stageTimeline({ ...completed, created_at: read[0]!.started_at, started_at: read[0]!.started_at }, read).rows;
    assert.deepEqual(rows.map((r) => r.label), ['Queue wait', 'Claim', 'Workspace', 'Environment setup', 'Codex turn', 'Outputs', 'Delivery', 'Webhook']);
    for (const r of rows.slice(1, -1)) assert.ok(r.startMs! >= 0 && r.durationMs! >= 0, `${r.label} is placed`);
  });

  it('a completed job: queue wait, each stage from the submit, and the webhook delivered after its attempts', () => {
    const m = stageTimeline(completed, STAGES);
    assert.deepEqual(table(m), [
      ['queue', 'Queue wait', 0, 2000, ''],
      ['job.claim', 'Claim', 2000, 40, ''],
      ['job.workspace', 'Workspace', 2040, 300, ''],
      ['job.setup', 'Environment setup', 2340, 1500, ''],
      ['job.turn', 'Codex turn', 3840, 20_000, ''],
      ['job.outputs', 'Outputs', 23_840, 200, ''],
      ['job.delivery', 'Delivery', 24_040, 900, ''],
      ['webhook', 'Webhook', 25_000, 6000, 'delivered after 2 attempts'],
    ]);
    assert.equal(m.spanMs, 31_000, 'the axis runs from the submit to the webhook’s delivery');
  });

  it('a webhook that failed or is pending has no bar, and says why', () => {
    const failed = stageTimeline({ ...completed, callback: { state: 'failed', attempts: 4, last_status: 503, delivered_at: null } }, STAGES).rows.at(-1)!;
    assert.deepEqual([failed.startMs, failed.durationMs, failed.note], [25_000, null, 'failed after 4 attempts (last: HTTP 503)']);
    const refused = stageTimeline({ ...completed, callback: { state: 'failed', attempts: 1, last_status: null, last_error: 'address not allowed', delivered_at: null } }, STAGES).rows.at(-1)!;
    assert.equal(refused.note, 'failed after 1 attempt (last: address not allowed)');
    const pending = stageTimeline({ ...completed, callback: null }, STAGES).rows.at(-1)!;
    assert.deepEqual([pending.key, pending.durationMs, pending.note], ['webhook', null, 'pending']);
    assert.equal(stageTimeline({ ...completed, callback_url: null, callback: null }, STAGES).rows.at(-1)!.key, 'job.delivery', 'no webhook row without a callback_url');
  });

  it('while the job waits or runs: the queue wait grows to now, and the stages wait for the attempt’s end', () => {
    const queued = stageTimeline({ status: 'queued', created_at: iso(0) }, [], T0 + 7000);
    assert.deepEqual(table(queued), [['queue', 'Queue wait', 0, 7000, 'still waiting']]);
    const running = stageTimeline({ status: 'processing', created_at: iso(0), started_at: iso(1500) }, [], T0 + 9500);
    assert.deepEqual(table(running), [
      ['queue', 'Queue wait', 0, 1500, ''],
      ['running', 'Running', 1500, 8000, 'the stages appear when this attempt ends'],
    ]);
    const cancelled = stageTimeline({ status: 'cancelled', created_at: iso(0), completed_at: iso(4000) }, []);
    assert.deepEqual(table(cancelled), [['queue', 'Queue wait', null, null, 'never started (cancelled)']]);
  });

  it('ignores what is not a stage (a malformed event) rather than drawing it', () => {
    assert.deepEqual(stagesOf({ stages: [stage('job.turn', 0, 5), { name: 'job.x' }, null, { name: 'job.y', started_at: 'not a time', duration_ms: 1 }, { ...stage('job.z', 0, 1), duration_ms: -1 }] }).map((s) => s.name), ['job.turn']);
    assert.deepEqual(stagesOf(null), []);
    assert.deepEqual(stagesOf({ stages: 'x' }), []);
  });
});
