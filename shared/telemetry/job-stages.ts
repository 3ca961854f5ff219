// The processor's stages of one attempt (job.claim, job.workspace, job.setup, job.turn, job.outputs,
// job.delivery, job.finish): a span each when tracing is on, and always their timings, which become
// the job's one `stages` event just before its terminal write (the console's timeline reads it):
//   {type: 'stages', data: {stages: [{name, started_at, duration_ms}]}}   (ended stages, in order)
import { context, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { inSpan, markFailed } from './spans.js';
import { tracer, tracingOn } from './tracing.js';

export const STAGE_NAMES = ['job.claim', 'job.workspace', 'job.setup', 'job.turn', 'job.outputs', 'job.delivery', 'job.finish'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface StageTiming {
  name: StageName;
  started_at: string;
  duration_ms: number;
}

interface OpenStage {
  name: StageName;
  startedAt: number;
  span: Span | undefined;
}

export class JobStages {
  private readonly ended: StageTiming[] = [];
  private open: OpenStage | undefined;
  /** The job.process span's context: every stage is its child. */
  private readonly parent: Context;

  constructor(private readonly attributes: Attributes) {
    this.parent = context.active();
  }

  /** Adds attributes to every stage from now on (the attempt, once the claim has counted it). */
  set(attributes: Attributes): void {
    Object.assign(this.attributes, attributes);
  }

  /** The attributes every stage carries (job_id, lane, attempt once known). */
  common(): Attributes {
    return { ...this.attributes };
  }

  /** Ends the open stage (if any) and starts `name`; for the outline's straight-line stages. */
  begin(name: StageName, attributes: Attributes = {}): void {
    this.end();
    const span = tracingOn() ? tracer().startSpan(name, { attributes: { ...this.attributes, ...attributes } }, this.parent) : undefined;
    this.open = { name, startedAt: Date.now(), span };
  }

  /** Ends the open stage; with an error, its span records the failure. */
  end(err?: unknown): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    if (open.span) {
      if (err !== undefined) markFailed(open.span, err);
      open.span.end();
    }
    this.ended.push({ name: open.name, started_at: new Date(open.startedAt).toISOString(), duration_ms: Date.now() - open.startedAt });
  }

  /** Runs `fn` as stage `name`, its span active inside (so what it publishes carries it: job.finish → the webhook). */
  async run<T>(name: StageName, fn: () => Promise<T>, attributes: Attributes = {}): Promise<T> {
    this.end();
    const startedAt = Date.now();
    try {
      return await context.with(this.parent, () => inSpan(name, { ...this.attributes, ...attributes }, async (span) => {
        const result = await fn();
        span?.setAttributes(resultAttributes(result));
        return result;
      }));
    } finally {
      this.ended.push({ name, started_at: new Date(startedAt).toISOString(), duration_ms: Date.now() - startedAt });
    }
  }

  /** The `stages` event's data: the stages of this attempt that have ended, in order. */
  eventData(): { stages: StageTiming[] } {
    return { stages: this.ended.map((s) => ({ ...s })) };
  }
}

/** A result's outcome and attempt for its span: a claim's `outcome` and job, a terminal document's `status`. */
function resultAttributes(result: unknown): Attributes {
  if (!result || typeof result !== 'object') return {};
  const r = result as { outcome?: unknown; status?: unknown; attempts?: unknown; job?: { attempts?: unknown } };
  const outcome = typeof r.outcome === 'string' ? r.outcome : typeof r.status === 'string' ? r.status : undefined;
  const attempt = typeof r.job?.attempts === 'number' ? r.job.attempts : typeof r.attempts === 'number' ? r.attempts : undefined;
  return { ...(outcome ? { outcome } : {}), ...(attempt !== undefined ? { attempt } : {}) };
}

/** Where the `stages` event goes (the job's EventSink). */
export interface StageEventSink {
  push(type: string, data: Record<string, unknown>): void;
  flush(): Promise<void>;
}

/**
 * The end of an attempt: the open stage ends (failed, with `err`); the `stages` event and then the
 * `finished` event (its data: status, error) are stored in one flush with whatever the turn left
 * buffered; then `terminalWrite` runs as job.finish (its codex-results publish carries that span).
 */
export async function finishStages<T>(stages: JobStages, events: StageEventSink, finished: Record<string, unknown>, terminalWrite: () => Promise<T>, err?: unknown): Promise<T> {
  stages.end(err);
  events.push('stages', stages.eventData());
  events.push('finished', finished);
  await events.flush();
  return stages.run('job.finish', terminalWrite);
}
