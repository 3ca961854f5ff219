// Hostile uploads: POST /uploads with any body and key; PUT /uploads/{id} with hostile ids (another
// owner's, a finished one, an expired one, made-up ones), content types and encodings, bodies that
// are no archive, cut-off or bomb-like archives, and lying framing (Content-Length over the limit or
// over what is sent, chunked bodies cut off or with a bad chunk size). Beyond "never a 5xx": another
// owner's or a refused upload is never accepted, nor then usable as a job's workspace.
import fc from 'fast-check';
import { UPLOAD_ID_PATTERN } from '../../shared/workspace/workspace-schemas.js';
import { archiveFormatOf } from '../../shared/workspace/archive-format.js';
import { UPLOAD_MAX_BYTES } from '../../shared/workspace/upload-object.js';
import { UPLOADS_COLLECTION } from '../../shared/workspace/upload-records.js';
import { buildTarGz } from '../support/archive-builder.js';
import { anyArchiveBody } from './hostile-archives.js';
import { judge, WrongAnswer, type Judged } from './http-verdict.js';
import { exchange, type Framing } from './raw-http.js';
import { HOSTILE_KEYS, serveApi, type ServedApi } from './served-api.js';

type Key = 'alice' | 'bob' | 'none' | 'wrong';
const keyHeader = (key: Key): Record<string, string> => (key === 'none' ? {} : { 'x-api-key': key === 'wrong' ? 'not-a-key' : HOSTILE_KEYS[key] });

// Public documentation addresses only: no URL in these inputs needs real DNS.
let api: ServedApi | undefined;
const served = () => api ?? (() => { throw new Error('the served API is not open'); })();
const open = async () => void (api = await serveApi(async () => ['93.184.216.34']));
const close = async () => {
  await api?.close();
  api = undefined;
};

async function call(method: string, path: string, key: Key, json?: unknown): Promise<Judged & { body: unknown }> {
  const body = json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(json));
  const answer = await exchange(served().url, { method, path, headers: { ...keyHeader(key), ...(json === undefined ? {} : { 'content-type': 'application/json' }) }, body, framing: 'length' });
  const judged = await judge(served(), answer, `${method} ${path}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(judged.answer?.body ?? '');
  } catch {
    parsed = undefined;
  }
  return { ...judged, body: parsed };
}

async function newUpload(owner: 'alice' | 'bob'): Promise<string> {
  const made = await call('POST', '/uploads', owner);
  const id = (made.body as { upload_id?: string } | undefined)?.upload_id;
  if (made.answer?.status !== 201 || !id) throw new Error(`POST /uploads as ${owner} → ${made.answer?.status}: ${made.answer?.body.slice(0, 200)}`);
  return id;
}

const contentTypes = fc.option(fc.constantFrom('application/gzip', 'application/zip', 'application/x-tar', 'application/octet-stream', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', ''), { nil: undefined });
const framings = fc.constantFrom<Framing>('length', 'length', 'length', 'chunked', 'chunked', 'declared-huge', 'declared-larger', 'chunked-cut', 'bad-chunk-size');
const CUT: Framing[] = ['declared-huge', 'declared-larger', 'chunked-cut', 'bad-chunk-size'];
const BROKEN: Framing[] = ['declared-larger', 'chunked-cut', 'bad-chunk-size'];

const createInput = fc.record({
  key: fc.constantFrom<Key>('alice', 'bob', 'none', 'wrong'),
  contentType: contentTypes,
  body: fc.oneof(fc.constant(Buffer.alloc(0)), fc.json().map((j) => Buffer.from(j)), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b))),
  framing: framings,
});

async function createUpload(input: unknown): Promise<void> {
  const { key, contentType, body, framing } = input as { key: Key; contentType?: string; body: Buffer; framing: Framing };
  const answer = await exchange(served().url, { method: 'POST', path: '/uploads', headers: { ...keyHeader(key), ...(contentType === undefined ? {} : { 'content-type': contentType }) }, body, framing });
  const { answer: a } = await judge(served(), answer, `POST /uploads (${key} key, ${framing}, ${contentType ?? 'no'} content type)`, BROKEN.includes(framing));
  if (!a || a.status >= 300) return;
  if (key === 'none' || key === 'wrong') throw new WrongAnswer(`POST /uploads with ${key} key → ${a.status}`);
  if (CUT.includes(framing) && framing !== 'declared-larger') throw new WrongAnswer(`POST /uploads with ${framing} framing → ${a.status}`);
  const made = JSON.parse(a.body) as { upload_id?: string; max_bytes?: number };
  if (a.status !== 201 || !UPLOAD_ID_PATTERN.test(made.upload_id ?? '') || made.max_bytes !== UPLOAD_MAX_BYTES) throw new WrongAnswer(`POST /uploads → ${a.status} ${a.body.slice(0, 200)}`);
}

type Target = 'fresh' | 'other-owner' | 'complete' | 'expired' | { id: string };
const hostileIds = fc.oneof(
  fc.constantFrom('..', '%2e%2e', '.', '%00', 'a%2Fb', 'AAAAAAAA%00', 'aaaaaaa', 'a'.repeat(65), 'x'.repeat(300), '%E2%80%AE', '%C0%AF', 'AAAAAAAAAAAAAAAAAAAAAA?x=1', 'AAAAAAAAAAAAAAAAAAAAAA/', 'AAAAAAAAAAAAAAAAAAAAAA'),
  fc.string({ maxLength: 70 }).map(encodeURIComponent),
  fc.stringMatching(UPLOAD_ID_PATTERN),
);
const putInput = fc.record({
  target: fc.oneof(fc.constantFrom<Target>('fresh', 'fresh', 'fresh', 'other-owner', 'complete', 'expired'), hostileIds.map((id): Target => ({ id }))),
  key: fc.constantFrom<Key>('alice', 'alice', 'alice', 'alice', 'bob', 'none', 'wrong'),
  contentType: contentTypes,
  contentEncoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x'), { nil: undefined }),
  body: anyArchiveBody,
  framing: framings,
  submitAs: fc.constantFrom('nobody' as const, 'alice' as const, 'bob' as const),
});
type PutInput = { target: Target; key: Key; contentType?: string; contentEncoding?: string; body: Buffer; framing: Framing; submitAs: 'nobody' | 'alice' | 'bob' };

const SMALL_ARCHIVE = buildTarGz([{ path: 'a.txt', data: 'a\n' }]);

async function targetId(target: Target): Promise<string> {
  if (typeof target === 'object') return target.id;
  const id = await newUpload(target === 'other-owner' ? 'bob' : 'alice');
  if (target === 'complete') {
    const first = await judge(served(), await exchange(served().url, { method: 'PUT', path: `/uploads/${id}`, headers: keyHeader('alice'), body: SMALL_ARCHIVE, framing: 'length' }), 'PUT (first bytes)');
    if (first.answer?.status !== 200) throw new Error(`the first PUT of ${id} → ${first.answer?.status}`);
  }
  if (target === 'expired') await served().env.firestore.collection(UPLOADS_COLLECTION).doc(id).update({ url_expires_at: new Date(Date.now() - 1000).toISOString() });
  return id;
}

/** Whose the target upload is: bob's for 'other-owner' (other than alice, who sends most inputs). */
const ownerOf = (target: Target) => (target === 'other-owner' ? 'bob' : 'alice');

/** Why this PUT must not be accepted, or undefined when accepting it is right. */
function mustRefuse(i: PutInput): string | undefined {
  if (i.key === 'none' || i.key === 'wrong') return `a ${i.key} key`;
  if (typeof i.target === 'object') return `a made-up id ${i.target.id.slice(0, 40)}`;
  if (i.key !== ownerOf(i.target)) return `${ownerOf(i.target)}'s upload with ${i.key}'s key`;
  if (i.target === 'complete' || i.target === 'expired') return `a ${i.target} upload`;
  if (CUT.includes(i.framing)) return `a ${i.framing} body`;
  if (!archiveFormatOf(i.body.subarray(0, 512))) return 'a body that is no archive';
  return undefined;
}

async function putUpload(input: unknown): Promise<void> {
  const i = input as PutInput;
  const id = await targetId(i.target);
  const headers = { ...keyHeader(i.key), ...(i.contentType === undefined ? {} : { 'content-type': i.contentType }), ...(i.contentEncoding === undefined ? {} : { 'content-encoding': i.contentEncoding }) };
  const { answer } = await judge(served(), await exchange(served().url, { method: 'PUT', path: `/uploads/${id}`, headers, body: i.body, framing: i.framing }), `PUT /uploads/${id.slice(0, 40)} (${typeof i.target === 'object' ? 'made-up id' : i.target}, ${i.key} key, ${i.framing}, ${i.body.length} bytes)`,
    BROKEN.includes(i.framing),
  );
  const accepted = answer !== undefined && answer.status < 300;
  const refusal = mustRefuse(i);
  if (accepted && refusal) throw new WrongAnswer(`PUT of ${refusal} → ${answer.status}`);
  if (accepted) {
    const got = JSON.parse(answer.body) as { upload_id?: string; size_bytes?: number };
    if (got.upload_id !== id || got.size_bytes !== i.body.length) throw new WrongAnswer(`PUT → ${answer.body.slice(0, 200)} for ${i.body.length} bytes`);
  }
  if (i.submitAs === 'nobody' || typeof i.target === 'object') return;
  // Then a job from it: only its owner, only when its bytes were accepted.
  const job = await call('POST', '/jobs', i.submitAs, { prompt: 'from an upload', workspace: { upload_id: id } });
  const owner = ownerOf(i.target);
  const usable = i.submitAs === owner && (i.target === 'complete' || (i.target !== 'expired' && accepted));
  const status = job.answer?.status ?? 0;
  if (usable && status !== 202) throw new WrongAnswer(`a job from the accepted upload → ${status} ${job.message}`);
  if (!usable && status < 300) throw new WrongAnswer(`a job as ${i.submitAs} from ${owner}'s ${i.target} upload (its PUT ${accepted ? 'accepted' : 'refused'}) → ${status}`);
  if (!usable && !job.fields.includes('workspace.upload_id')) throw new WrongAnswer(`the refusal does not name workspace.upload_id: ${job.message}`);
}

export const UPLOAD_ENTRY_POINTS = [
  { name: 'POST /uploads (served API)', input: createInput, run: createUpload, expected: () => false, open, close },
  { name: 'PUT /uploads/{id} (served API)', input: putInput, run: putUpload, expected: () => false, open, close },
];
