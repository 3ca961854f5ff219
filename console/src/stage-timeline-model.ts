// Where a job's time went, as rows of one timeline from its submit: the queue wait (created_at →
// started_at), the processor's stages of its last attempt (the `stages` event: job.claim,
// job.workspace, job.setup, job.turn, job.outputs, job.delivery), and the webhook (the job's `callback`:
// completed_at → delivered_at, with its attempts). Pure (no DOM), so it is unit-tested in Node.

/** One entry of the `stages` event's data.stages. */
export interface StageTiming {
  name: string;
  started_at: string;
  duration_ms: number;
}

/** The job document fields the timeline reads. */
export interface TimelineJob {
  status: string;
  created_at: string;
  started_at?: string | null;
  completed_at?: string | null;
  callback_url?: string | null;
  callback?: { state: string; attempts: number; last_status?: number | null; last_error?: string | null; delivered_at?: string | null } | null;
}

export interface StageRow {
  key: string;
  label: string;
  /** ms from the job's created_at; null when the stage has no start to place. */
  startMs: number | null;
  /** null when it has no duration (not started, or a webhook that never got through). */
  durationMs: number | null;
  /** What else to say (running, attempts, …); '' for nothing. */
  note: string;
}

export interface StageTimelineModel {
  rows: StageRow[];
  /** From created_at to the last row's end: the width of the timeline. */
  spanMs: number;
}

const STAGE_LABELS: Record<string, string> = {
  'job.claim': 'Claim',
  'job.workspace': 'Workspace',
  'job.setup': 'Environment setup',
  'job.turn': 'Codex turn',
  'job.outputs': 'Outputs',
  'job.delivery': 'Delivery',
  'job.finish': 'Finish',
};

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The `stages` entries of an event's data, whatever else it holds (bad entries are dropped). */
export function stagesOf(data: unknown): StageTiming[] {
  const list = (data as { stages?: unknown } | null)?.stages;
  if (!Array.isArray(list)) return [];
  return list.filter((s): s is StageTiming => {
    const t = s as Partial<StageTiming> | null;
    return typeof t?.name === 'string' && typeof t.started_at === 'string' && Number.isFinite(Date.parse(t.started_at)) && typeof t.duration_ms === 'number' && t.duration_ms >= 0;
  });
}

export function stageTimeline(job: TimelineJob, stages: StageTiming[], now = Date.now()): StageTimelineModel {
  const t0 = Date.parse(job.created_at);
  const at = (iso: string | null | undefined) => (iso ? Date.parse(iso) - t0 : null);
  const rows: StageRow[] = [];

  const started = at(job.started_at);
  if (started !== null) rows.push({ key: 'queue', label: 'Queue wait', startMs: 0, durationMs: Math.max(0, started), note: '' });
  else if (job.status === 'queued') rows.push({ key: 'queue', label: 'Queue wait', startMs: 0, durationMs: Math.max(0, now - t0), note: 'still waiting' });
  else rows.push({ key: 'queue', label: 'Queue wait', startMs: null, durationMs: null, note: `never started (${job.status})` });

  for (const s of stages) {
    rows.push({ key: s.name, label: STAGE_LABELS[s.name] ?? s.name.replace(/^job\./, ''), startMs: at(s.started_at), durationMs: s.duration_ms, note: '' });
  }
  if (stages.length === 0 && job.status === 'processing') rows.push({ key: 'running', label: 'Running', startMs: started, durationMs: started === null ? null : Math.max(0, now - t0 - started), note: 'the stages appear when this attempt ends' });

  const cb = job.callback;
  if (job.callback_url && cb) {
    const attempts = plural(cb.attempts, 'attempt');
    const from = at(job.completed_at);
    if (cb.state === 'delivered' && cb.delivered_at && from !== null) {
      rows.push({ key: 'webhook', label: 'Webhook', startMs: from, durationMs: Math.max(0, (at(cb.delivered_at) ?? from) - from), note: `delivered after ${attempts}` });
    } else if (cb.state === 'failed') {
      const last = cb.last_status ? `HTTP ${cb.last_status}` : cb.last_error ?? '';
      rows.push({ key: 'webhook', label: 'Webhook', startMs: from, durationMs: null, note: `failed after ${attempts}${last ? ` (last: ${last})` : ''}` });
    } else {
      rows.push({ key: 'webhook', label: 'Webhook', startMs: from, durationMs: null, note: cb.attempts ? `pending after ${attempts}` : 'pending' });
    }
  } else if (job.callback_url && TERMINAL.has(job.status)) {
    rows.push({ key: 'webhook', label: 'Webhook', startMs: at(job.completed_at), durationMs: null, note: 'pending' });
  }

  const ends = rows.map((r) => (r.startMs ?? 0) + (r.durationMs ?? 0));
  const completed = at(job.completed_at);
  return { rows, spanMs: Math.max(1, ...ends, completed ?? 0) };
}
