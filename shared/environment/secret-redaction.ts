// Secret values of a job's environment, replaced by `***` wherever text leaves the job: events, logs,
// setup.log, the result, output files and the patch. Exact values only (what the contract promises);
// longest first, so a secret that contains another is hidden whole.
import { Transform, type TransformCallback } from 'node:stream';

export const REDACTED = '***';
const REDACTED_BYTES = Buffer.from(REDACTED);
/** Values this short would hide ordinary text everywhere; the spec's secrets are at least 1 char, so guard here. */
const MIN_SECRET_LENGTH = 4;

export class SecretRedactor {
  private readonly values: string[];
  private readonly valueBytes: Buffer[];

  constructor(secrets: Record<string, string> | readonly string[]) {
    const all = Array.isArray(secrets) ? [...secrets] : Object.values(secrets);
    this.values = [...new Set(all.filter((v) => v.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
    this.valueBytes = this.values.map((v) => Buffer.from(v, 'utf8'));
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

  /** Replaces each value's bytes in a buffer (byte-exact: binary content around them is left as it was). */
  bytes(buf: Buffer): Buffer {
    let out = buf;
    for (const v of this.valueBytes) {
      if (out.indexOf(v) < 0) continue;
      const parts: Buffer[] = [];
      let from = 0;
      for (let at = out.indexOf(v); at >= 0; at = out.indexOf(v, from)) {
        parts.push(out.subarray(from, at), REDACTED_BYTES);
        from = at + v.length;
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
    }
    return out;
  }

  /** A stream transform that redacts bytes passing through, values split across chunks included. */
  stream(): Transform {
    let pending = Buffer.alloc(0);
    const keep = Math.max(0, this.valueBytes.reduce((m, v) => Math.max(m, v.length), 0) - 1);
    return new Transform({
      transform: (chunk: Buffer, _enc, done: TransformCallback) => {
        const data = this.bytes(Buffer.concat([pending, chunk]));
        // Hold back the tail that could be the start of a value finished by the next chunk.
        const cut = Math.max(0, data.length - keep);
        pending = Buffer.from(data.subarray(cut));
        done(null, data.subarray(0, cut));
      },
      flush: (done: TransformCallback) => done(null, this.bytes(pending)),
    });
  }
}
