// The span a job's trace starts with on the API: `job.submit` (kind server) around POST /jobs, its
// alias and rerun. A new trace per job: a `traceparent` the client sent becomes a link, not the parent,
// so two jobs of one client request are two traces. Lines logged inside carry this trace.
import { SpanKind } from '@opentelemetry/api';
import type { Route, RouteContext } from '../api/router.js';
import { inSpan, jobRootOptions } from './spans.js';
import { traceLogFields } from './trace-context.js';

export function tracedSubmit(route: string, handle: Route['handle']): Route['handle'] {
  return (ctx: RouteContext) =>
    inSpan(
      'job.submit',
      { 'http.request.method': ctx.req.method, 'http.route': route },
      async (span) => {
        await handle(span ? { ...ctx, log: ctx.log.child(traceLogFields(ctx.deps.config.GOOGLE_CLOUD_PROJECT, span.spanContext())) } : ctx);
        span?.setAttribute('http.response.status_code', ctx.res.statusCode);
      },
      jobRootOptions(SpanKind.SERVER, ctx.req.header('traceparent')),
    );
}
