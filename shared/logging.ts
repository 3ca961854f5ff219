// Structured logging: one JSON object per line on stdout, with Cloud Logging's field names.
// Prompt text and secrets never go into fields logged above DEBUG.
import { trace as otelTrace } from '@opentelemetry/api';
import { LOG_LEVELS } from './config.js';

export type Severity = (typeof LOG_LEVELS)[number];
/** `trace` (`projects/P/traces/ID`) and `spanId` become Cloud Logging's trace fields (shared/telemetry/trace-context.ts traceLogFields). */
export type LogFields = Record<string, unknown> & { job_id?: string; trace?: string; spanId?: string };

const rank: Record<Severity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function createLogger(
  level: Severity = 'INFO',
  base: LogFields = {},
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (severity: Severity, message: string, fields: LogFields = {}) => {
    if (rank[severity] < rank[level]) return;
    const { trace, spanId, ...rest } = { ...base, ...fields };
    const entry: Record<string, unknown> = { severity, message, time: new Date().toISOString(), ...rest };
    if (trace) {
      entry['logging.googleapis.com/trace'] = trace;
      const span = activeSpanIn(trace) ?? spanId;
      if (span) entry['logging.googleapis.com/spanId'] = span;
    }
    for (const [k, v] of Object.entries(entry)) if (v instanceof Error) entry[k] = { name: v.name, message: v.message };
    write(JSON.stringify(entry));
  };
  return {
    debug: (m, f) => emit('DEBUG', m, f),
    info: (m, f) => emit('INFO', m, f),
    warn: (m, f) => emit('WARNING', m, f),
    error: (m, f) => emit('ERROR', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** The active span's id when it belongs to the line's trace (tracing on, inside one of the job's spans). */
function activeSpanIn(traceField: string): string | undefined {
  const sc = otelTrace.getActiveSpan()?.spanContext();
  return sc && traceField.endsWith(sc.traceId) && otelTrace.isSpanContextValid(sc) ? sc.spanId : undefined;
}

/** `X-Cloud-Trace-Context: TRACE/SPAN;o=1` → `projects/P/traces/TRACE`. */
export function traceFromHeader(project: string, header: string | undefined): string | undefined {
  const traceId = header?.split('/')[0];
  return traceId && /^[0-9a-f]{32}$/i.test(traceId) ? `projects/${project}/traces/${traceId}` : undefined;
}
