// What Firestore can store, checked where a request comes in (POST /jobs, prompt-file front matter,
// schedule payloads share the JobRequest schema), so a request Firestore would reject is a 400 naming
// the field — never a message that fails on every delivery. Limits: https://firebase.google.com/docs/firestore/quotas
// and https://firebase.google.com/docs/firestore/storage-size.
import type { z } from 'zod';

// TextEncoder, not Buffer: shared/jobs is also compiled for the browser (the console's types).
const encoder = new TextEncoder();
const utf8Bytes = (s: string): number => encoder.encode(s).length;

/** Maps and arrays nest at most this deep in a document (the field's own map or array is level 1). */
export const FIRESTORE_MAX_DEPTH = 20;
/** A field name is at most this many UTF-8 bytes. */
export const FIRESTORE_MAX_FIELD_NAME_BYTES = 1500;
/** A document is at most 1 MiB. */
export const FIRESTORE_MAX_DOCUMENT_BYTES = 1_048_576;
/**
 * The most the request's fields may take of the job document: the rest is kept for what the job adds
 * (lease, progress, result, callback). A 100 000-character prompt of 4-byte characters still fits.
 */
export const MAX_STORED_REQUEST_BYTES = 640 * 1024;

const RESERVED_FIELD_NAME = /^__.*__$/;

/** Storage size of a value as Firestore counts it (strings: UTF-8 bytes + 1; numbers 8; maps: keys + values). */
export function firestoreSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 8;
  if (typeof value === 'string') return utf8Bytes(value) + 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + firestoreSize(v), 0);
  if (typeof value === 'object') {
    let n = 0;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) n += utf8Bytes(k) + 1 + firestoreSize(v);
    return n;
  }
  return 8;
}

export interface StorageProblem {
  path: (string | number)[];
  message: string;
}

/** Problems of one field's value: nesting past the depth limit, and map keys Firestore rejects. The field itself is at depth 0. */
export function firestoreProblems(value: unknown, path: (string | number)[] = [], depth = 0): StorageProblem[] {
  if (value === null || typeof value !== 'object') return [];
  const level = depth + 1;
  if (level > FIRESTORE_MAX_DEPTH) {
    return [{ path, message: `nests maps and arrays deeper than Firestore stores (at most ${FIRESTORE_MAX_DEPTH} levels)` }];
  }
  const problems: StorageProblem[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (Array.isArray(v)) problems.push({ path: [...path, i], message: 'an array directly inside an array cannot be stored in Firestore' });
      problems.push(...firestoreProblems(v, [...path, i], level));
    });
    return problems;
  }
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === '') problems.push({ path, message: 'has an empty key, which Firestore cannot store' });
    else if (RESERVED_FIELD_NAME.test(key)) problems.push({ path: [...path, key], message: 'key names of the form __name__ are reserved by Firestore' });
    else if (utf8Bytes(key) > FIRESTORE_MAX_FIELD_NAME_BYTES) problems.push({ path, message: `has a key longer than ${FIRESTORE_MAX_FIELD_NAME_BYTES} bytes` });
    problems.push(...firestoreProblems(v, [...path, key], level));
    if (problems.length >= 10) break; // enough to fix; do not walk a huge object for more
  }
  return problems;
}

/** A zod refinement: the value can be stored as one Firestore field. */
export function storableField(value: unknown, ctx: z.RefinementCtx): void {
  for (const p of firestoreProblems(value)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
}

/** A zod refinement of a whole request: its stored fields fit MAX_STORED_REQUEST_BYTES; the issue names the largest field. */
export function storableRequest(request: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const sizes = Object.entries(request).map(([k, v]) => [k, utf8Bytes(k) + 1 + firestoreSize(v)] as const);
  const total = sizes.reduce((n, [, s]) => n + s, 0);
  if (total <= MAX_STORED_REQUEST_BYTES) return;
  const [largest, size] = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
  ctx.addIssue({ code: 'custom', path: [largest], message: `the request takes ${total} bytes in Firestore (at most ${MAX_STORED_REQUEST_BYTES}); ${largest} alone takes ${size}` });
}
