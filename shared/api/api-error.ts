// The HTTP API's error envelope: { error: { code, message, details? } }. The codes are exactly the
// contract's set; each has its usual status, and a few cases refine the status but keep a contract
// code (415 and 405 answer with code bad_request).
export const API_ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  quota_exceeded: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export interface ApiErrorDetail {
  field: string;
  message: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: ApiErrorDetail[],
    readonly headers: Record<string, string> = {},
    /** A more specific HTTP status than the code's own (415 unsupported media type, 405 method not allowed). */
    readonly statusOverride?: 405 | 415,
  ) {
    super(message);
  }

  get status(): number {
    return this.statusOverride ?? API_ERROR_STATUS[this.code];
  }

  toBody(): { error: { code: ApiErrorCode; message: string; details?: ApiErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details?.length ? { details: this.details } : {}) } };
  }
}
