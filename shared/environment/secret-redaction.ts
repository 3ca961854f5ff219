// Secret values of a job's environment, replaced by `***` wherever text leaves the job: events, logs,
// setup.log, the result, output files and the patch. Exact values only (what the contract promises);
// longest first, so a secret that contains another is hidden whole.
import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';

export const REDACTED = '***';
/** Values this short would hide ordinary text everywhere; the spec's secrets are at least 1 char, so guard here. */
const MIN_SECRET_LENGTH = 4;

export class SecretRedactor {
  private readonly values: string[];
  /** The longest value's length: how much a stream keeps back so a value split over two chunks is still found. */
  readonly overlap: number;

  constructor(secrets: Record<string, string> | readonly string[]) {
    const all = Array.isArray(secrets) ? [...secrets] : Object.values(secrets);
    this.values = [...new Set(all.filter((v) => v.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
    this.overlap = this.values.reduce((m, v) => Math.max(m, v.length), 0);
  }

  get active(): boolean {
    return this.values.length > 0;
  }

  text(s: string): string {
    let out = s;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** Every string inside a JSON-like value, redacted (keys included). */
  value<T>(v: T): T {
    if (!this.active) return v;
    if (typeof v === 'string') return this.text(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[this.text(k)] = this.value(x);
      return out as T;
    }
    return v;
  }

  /** Whether the bytes hold any secret value (a file whose bytes the redaction would change). */
  contains(s: string): boolean {
    return this.values.some((v) => s.includes(v));
  }

  /** A stream transform that redacts text passing through (utf8), values split across chunks included. */
  stream(): Transform {
    let pending = '';
    const decoder = new StringDecoder('utf8'); // a character split over two chunks stays whole
    const keep = Math.max(0, this.overlap - 1);
    return new Transform({
      transform: (chunk: Buffer, _enc, done: TransformCallback) => {
        const text = this.text(pending + decoder.write(chunk));
        // Hold back the tail that could be the start of a value finished by the next chunk.
        const cut = Math.max(0, text.length - keep);
        pending = text.slice(cut);
        done(null, text.slice(0, cut));
      },
      flush: (done: TransformCallback) => done(null, this.text(pending + decoder.end())),
    });
  }
}
