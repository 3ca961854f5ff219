// Calls to the codex-jobs API with the X-API-Key header. Every URL is relative to where the
// console's modules are served from (…/console/*.js → …/), so the console works under any path
// prefix (a GCP function URL) without configuration. Errors carry the API's envelope.
import { forgetKey, storedKey } from './key-store.js';

export const API_BASE = new URL('..', import.meta.url);

export function apiUrl(path: string): string {
  return new URL(path.replace(/^\//, ''), API_BASE).toString();
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type SignedOutListener = (why: string) => void;
const signedOut = new Set<SignedOutListener>();
/** Called when the API answers 401: the key is wrong or was revoked. */
export function onSignedOut(listener: SignedOutListener): void {
  signedOut.add(listener);
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The key to use instead of the stored one (signing in). */
  key?: string;
}

/** A raw response with the key sent; a 401 signs the console out. */
export async function apiFetch(path: string, o: CallOptions = {}): Promise<Response> {
  const key = o.key ?? storedKey();
  const headers: Record<string, string> = { ...o.headers };
  if (key) headers['x-api-key'] = key;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiUrl(path), { method: o.method ?? 'GET', headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: o.signal, cache: 'no-store', credentials: 'omit' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiFailure(0, 'network', `the API could not be reached (${(err as Error).message})`);
  }
  if (res.status === 401 && o.key === undefined) {
    forgetKey();
    for (const l of signedOut) l('The API did not accept the key; sign in again.');
  }
  return res;
}

async function failureOf(res: Response): Promise<ApiFailure> {
  let code = `http_${res.status}`;
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not the envelope (a proxy's page): keep the status
  }
  return new ApiFailure(res.status, code, message);
}

/** JSON from the API, or an ApiFailure with the envelope's code and message. */
export async function apiJson<T>(path: string, o: CallOptions = {}): Promise<T> {
  const res = await apiFetch(path, o);
  if (!res.ok) throw await failureOf(res);
  return (await res.json()) as T;
}

/** Text from the API (the patch), or an ApiFailure. */
export async function apiText(path: string, o: CallOptions = {}): Promise<string> {
  const res = await apiFetch(path, o);
  if (!res.ok) throw await failureOf(res);
  return res.text();
}

/** A file from the API saved through a blob URL (the key cannot go in a link). */
export async function apiDownload(path: string, filename: string): Promise<void> {
  const res = await apiFetch(path);
  if (!res.ok) throw await failureOf(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function jobPath(jobId: string, rest = ''): string {
  return `jobs/${encodeURIComponent(jobId)}${rest}`;
}
