// client.jobs: create, get, list, cancel, rerun, wait, stream, changes, patch, outputs, download.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isTerminal } from '../../shared/jobs/job-status.js';
import { CodexJobsError } from './errors.js';
import { aborted, parseJson, type HttpTransport } from './http-transport.js';
import { streamJobEvents, type StreamOptions } from './job-stream.js';
import type {
  CallOptions,
  CreateOptions,
  JobChanges,
  JobCreateRequest,
  JobDocument,
  JobEvent,
  JobListPage,
  JobSummary,
  ListParams,
  OutputFile,
  SubmitResponse,
} from './types.js';

const id = (jobId: string) => `/jobs/${encodeURIComponent(jobId)}`;

export interface WaitOptions extends StreamOptions {
  /** Called with each event while waiting (a progress display). */
  onEvent?: (event: JobEvent) => void;
}

export interface DownloadOptions extends CallOptions {
  /** Called as bytes arrive: (received, total or null). */
  onProgress?: (received: number, total: number | null) => void;
}

/** The jobs of a listing: `for await (const job of jobs.list())` walks every page; `.pages()` yields pages. */
export class JobList implements AsyncIterable<JobSummary> {
  constructor(
    private readonly http: HttpTransport,
    private readonly params: ListParams,
  ) {}

  async *pages(): AsyncGenerator<JobListPage> {
    let cursor = this.params.cursor;
    for (;;) {
      const { status, priority, source, limit, signal } = this.params;
      const { text, requestId } = await this.http.call({ path: '/jobs', query: { status, priority, source, limit, cursor }, signal });
      const page = parseJson<JobListPage>(text, requestId, 'GET /jobs');
      yield page;
      if (!page.next_cursor) return;
      cursor = page.next_cursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<JobSummary> {
    for await (const page of this.pages()) yield* page.jobs;
  }
}

export class JobsApi {
  constructor(
    private readonly http: HttpTransport,
    private readonly maxRetries: number,
  ) {}

  private async json<T>(c: Parameters<HttpTransport['call']>[0], what: string): Promise<T> {
    const { text, requestId } = await this.http.call(c);
    return parseJson<T>(text, requestId, what);
  }

  /** POST /jobs. The Idempotency-Key is made once here and reused by every retry of this call. */
  create(request: JobCreateRequest, o: CreateOptions = {}): Promise<SubmitResponse> {
    const key = o.idempotencyKey ?? randomUUID();
    return this.json({ method: 'POST', path: '/jobs', json: request, headers: { 'idempotency-key': key }, signal: o.signal }, 'POST /jobs');
  }

  get(jobId: string, o: CallOptions = {}): Promise<JobDocument> {
    return this.json({ path: id(jobId), signal: o.signal }, 'GET /jobs/{id}');
  }

  list(params: ListParams = {}): JobList {
    return new JobList(this.http, params);
  }

  cancel(jobId: string, o: CallOptions = {}): Promise<JobDocument> {
    return this.json({ method: 'POST', path: `${id(jobId)}/cancel`, signal: o.signal }, 'POST /jobs/{id}/cancel');
  }

  /** POST /jobs/{id}/rerun: a new job with the same request; the key works as for create. */
  rerun(jobId: string, o: CreateOptions = {}): Promise<SubmitResponse> {
    const key = o.idempotencyKey ?? randomUUID();
    return this.json({ method: 'POST', path: `${id(jobId)}/rerun`, headers: { 'idempotency-key': key }, signal: o.signal }, 'POST /jobs/{id}/rerun');
  }

  /** The job's events in order, live until it ends; resumes after a drop without repeats or gaps. */
  stream(jobId: string, o: StreamOptions = {}): AsyncGenerator<JobEvent> {
    return streamJobEvents(this.http, jobId, this.maxRetries, o);
  }

  /** Waits for the job to end, by reading its event stream to the end (no polling); returns the final document. */
  async wait(jobId: string, o: WaitOptions = {}): Promise<JobDocument> {
    const first = await this.get(jobId, o);
    if (isTerminal(first.status)) return first;
    for await (const event of this.stream(jobId, o)) o.onEvent?.(event);
    const done = await this.get(jobId, o);
    if (!isTerminal(done.status)) {
      throw new CodexJobsError({ code: 'invalid_response', message: `the event stream of job ${jobId} ended while the job is ${done.status}` });
    }
    return done;
  }

  changes(jobId: string, o: CallOptions = {}): Promise<JobChanges> {
    return this.json({ path: `${id(jobId)}/changes`, signal: o.signal }, 'GET /jobs/{id}/changes');
  }

  /** The job's changes as a git patch (empty when nothing changed). */
  async patch(jobId: string, o: CallOptions = {}): Promise<string> {
    const { text } = await this.http.call({ path: `${id(jobId)}/changes.patch`, headers: { accept: 'text/x-diff' }, signal: o.signal });
    return text;
  }

  async outputs(jobId: string, o: CallOptions = {}): Promise<OutputFile[]> {
    const body = await this.json<{ files: OutputFile[] }>({ path: `${id(jobId)}/outputs`, signal: o.signal }, 'GET /jobs/{id}/outputs');
    return body.files;
  }

  /** Downloads one output file to `dest` (written to a temp name, then renamed); returns its size. */
  async download(jobId: string, filename: string, dest: string, o: DownloadOptions = {}): Promise<{ path: string; size_bytes: number }> {
    const encoded = filename.split('/').map(encodeURIComponent).join('/');
    const { response } = await this.http.call({ path: `${id(jobId)}/outputs/${encoded}`, headers: { accept: '*/*' }, signal: o.signal, headersOnly: true });
    if (!response.body) throw new CodexJobsError({ code: 'invalid_response', message: `no body for output ${filename}` });
    const total = Number(response.headers.get('content-length') ?? NaN);
    await mkdir(path.dirname(dest), { recursive: true });
    const partial = `${dest}.partial-${process.pid}`;
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        o.onProgress?.(received, Number.isFinite(total) ? total : null);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), count, createWriteStream(partial));
      await rename(partial, dest);
    } catch (err) {
      await rm(partial, { force: true });
      if (o.signal?.aborted) throw aborted(o.signal.reason, null);
      throw err instanceof CodexJobsError ? err : new CodexJobsError({ code: 'network', message: `download of ${filename} failed: ${(err as Error).message}`, cause: err });
    }
    return { path: dest, size_bytes: received };
  }
}
