// GET /jobs/{id}/events: Server-Sent Events, resuming after Last-Event-ID or ?after=.
import { describeIssues } from '../../jobs/job-request.js';
import { ApiError } from '../api-error.js';
import { eventsQuerySchema } from '../api-schemas.js';
import { streamJobEvents } from '../event-stream.js';
import { streamSlotsOf } from '../stream-slots.js';
import { queryOf } from '../query.js';
import type { Route, RouteContext } from '../router.js';
import { visibleJob } from './get-job.js';

function resumeAfter(ctx: RouteContext): number {
  const parsed = eventsQuerySchema.safeParse(queryOf(ctx.req));
  if (!parsed.success) {
    const details = describeIssues(parsed.error).map((d) => ({ ...d, field: `query.${d.field}` }));
    throw new ApiError('bad_request', `invalid query: ${details.map((d) => d.message).join('; ')}`, details);
  }
  const header = ctx.req.header('last-event-id');
  if (header !== undefined && header !== '') {
    if (!/^(-1|\d{1,10})$/.test(header.trim())) throw new ApiError('bad_request', 'Last-Event-ID must be an event seq (a whole number)', [{ field: 'Last-Event-ID', message: 'not an event seq' }]);
    return Number(header.trim());
  }
  return parsed.data.after ?? -1;
}

async function events(ctx: RouteContext): Promise<void> {
  const afterSeq = resumeAfter(ctx);
  const job = await visibleJob(ctx, ctx.params.id!);
  await ctx.admit();
  const release = streamSlotsOf(ctx.deps, ctx.deps.config.SSE_MAX_STREAMS_PER_OWNER).acquire(ctx.caller.name);
  if (!release) {
    throw new ApiError('rate_limited', `this key already has ${ctx.deps.config.SSE_MAX_STREAMS_PER_OWNER} event streams open on this instance (SSE_MAX_STREAMS_PER_OWNER); close one and retry`, undefined, { 'retry-after': '5' });
  }
  try {
    await stream(ctx, job.job_id, afterSeq);
  } finally {
    release();
  }
}

async function stream(ctx: RouteContext, jobId: string, afterSeq: number): Promise<void> {
  const { res } = ctx;
  res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  res.write(`retry: 2000\n: events of job ${jobId} after ${afterSeq}\n\n`);
  await streamJobEvents(res, {
    db: ctx.deps.firestore,
    store: ctx.deps.store,
    jobId,
    afterSeq,
    heartbeatMs: ctx.deps.tuning.sseHeartbeatMs,
    maxLifeMs: ctx.deps.config.SSE_MAX_STREAM_MS,
    onError: (err) => ctx.log.error('event stream failed', { job_id: jobId, error: err }),
  });
}

export const jobEventsRoutes: Route[] = [{ method: 'GET', path: '/jobs/:id/events', handle: events }];
