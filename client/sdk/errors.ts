// The one error type of the SDK: every failure (an HTTP error envelope, a network failure, a timeout,
// an abort) is a CodexJobsError, so callers switch on `code` instead of on error classes.
export interface ErrorDetail {
  field: string;
  message: string;
}

/** Server codes of the error envelope, plus the client's own: network, timeout, aborted, invalid_response. */
export type CodexJobsErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'unavailable'
  | 'internal'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | (string & {});

export class CodexJobsError extends Error {
  override name = 'CodexJobsError';
  readonly code: CodexJobsErrorCode;
  /** The HTTP status, or null when no response came (network, timeout, aborted). */
  readonly status: number | null;
  readonly details: ErrorDetail[];
  /** The request id (X-Request-Id sent with the request, or the one the server answered with). */
  readonly requestId: string | null;

  constructor(init: { code: CodexJobsErrorCode; message: string; status?: number | null; details?: ErrorDetail[]; requestId?: string | null; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status ?? null;
    this.details = init.details ?? [];
    this.requestId = init.requestId ?? null;
  }
}

/** The error for a non-2xx answer, read from the `{error: {code, message, details}}` envelope when there is one. */
export function errorFromResponse(status: number, bodyText: string, requestId: string | null): CodexJobsError {
  let envelope: { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
  try {
    envelope = JSON.parse(bodyText) as typeof envelope;
  } catch {
    envelope = undefined;
  }
  const e = envelope?.error;
  const code = typeof e?.code === 'string' ? e.code : fallbackCode(status);
  const message = typeof e?.message === 'string' ? e.message : `HTTP ${status}${bodyText ? `: ${bodyText.slice(0, 200)}` : ''}`;
  const details = Array.isArray(e?.details) ? (e.details as ErrorDetail[]) : [];
  return new CodexJobsError({ code, message, status, details, requestId });
}

function fallbackCode(status: number): CodexJobsErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 502 || status === 504) return 'unavailable';
  if (status >= 500) return 'internal';
  return 'bad_request';
}
