// new CodexJobs({url, apiKey, maxRetries?, timeoutMs?}): the typed client of the codex-jobs HTTP API.
import { HttpTransport, parseJson } from './http-transport.js';
import { EnvironmentsApi } from './environments-api.js';
import { JobsApi } from './jobs-api.js';
import { UploadsApi } from './uploads-api.js';
import { verifyWebhook } from './webhook-verify.js';
import type { CallOptions, Health, QueueStatsResponse, UsageParams, UsageReport } from './types.js';

export const SDK_VERSION = '0.1.0';

export interface CodexJobsOptions {
  url: string;
  apiKey?: string;
  /** Retries of a call on 429, 5xx, network errors and timeouts (default 2). */
  maxRetries?: number;
  /** Per attempt, until the answer (streams: until the headers). Default 60000. */
  timeoutMs?: number;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

export class CodexJobs {
  readonly jobs: JobsApi;
  readonly uploads: UploadsApi;
  readonly environments: EnvironmentsApi;
  readonly webhooks = { verify: verifyWebhook };
  /** GET /usage: the caller's (or, for an admin, an owner's or every owner's) usage per day and quotas. */
  readonly usage = {
    get: async (p: UsageParams = {}): Promise<UsageReport> => {
      const { text, requestId } = await this.http.call({ path: '/usage', query: { from: p.from, to: p.to, owner: p.owner }, signal: p.signal });
      return parseJson<UsageReport>(text, requestId, 'GET /usage');
    },
  };
  readonly url: string;
  private readonly http: HttpTransport;

  constructor(o: CodexJobsOptions) {
    if (!o?.url) throw new TypeError('CodexJobs needs {url}');
    new URL(o.url); // throws on a malformed URL, at construction rather than at the first call
    const maxRetries = o.maxRetries ?? 2;
    this.http = new HttpTransport({ url: o.url, apiKey: o.apiKey, maxRetries, timeoutMs: o.timeoutMs ?? 60_000, fetch: o.fetch, userAgent: `codex-jobs-sdk/${SDK_VERSION}` });
    this.url = this.http.baseUrl;
    this.jobs = new JobsApi(this.http, maxRetries);
    this.uploads = new UploadsApi(this.http);
    this.environments = new EnvironmentsApi(this.http);
  }

  /** GET /health (no key needed); with the response's Date header, for clock checks. */
  async health(o: CallOptions = {}): Promise<Health & { server_date: string | null }> {
    const { text, requestId, response } = await this.http.call({ path: '/health', anonymous: true, answerStatuses: [503], signal: o.signal });
    return { ...parseJson<Health>(text, requestId, 'GET /health'), server_date: response.headers.get('date') };
  }

  /** GET /queue/stats. */
  async stats(o: CallOptions = {}): Promise<QueueStatsResponse> {
    const { text, requestId } = await this.http.call({ path: '/queue/stats', signal: o.signal });
    return parseJson<QueueStatsResponse>(text, requestId, 'GET /queue/stats');
  }
}
