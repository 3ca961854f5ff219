// The hostile suite's entry points: every place untrusted bytes come in, each with the errors its
// caller answers as the sender's fault (4xx, or an acked undecodable delivery). Any other throw is a
// crash; an ApiError of 5xx is a 5xx; a call that does not settle within the deadline is a hang.
// The HTTP entry points (uploads, git workspaces) judge each exchange in http-verdict.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { decodeCursor } from '../../shared/api/list-jobs.js';
import { ArchiveError, readTarGzArchive, readZipArchive } from '../../shared/intake/archives.js';
import { FrontMatterError, splitFrontMatter } from '../../shared/intake/front-matter.js';
import { INTAKE_LIMITS } from '../../shared/intake/intake-limits.js';
import { promptFileRequest } from '../../shared/intake/prompt-file.js';
import { parseSchedules, ScheduleFileError } from '../../shared/intake/schedules.js';
import { storageEventFromRequest } from '../../shared/intake/storage-event.js';
import { jobRequestSchema } from '../../shared/jobs/job-request.js';
import { BadDeliveryError, messageFromRequest } from '../../shared/pubsub/pubsub-message.js';
import { assertCallbackAllowed, CallbackUrlError } from '../../shared/webhooks/address-policy.js';
import { ApiError } from '../../shared/api/api-error.js';
import { environmentSpecSchema } from '../../shared/environment/environment-spec.js';
import { parsePrivateAllowEntry } from '../../shared/environment/private-allowlist.js';
import { decryptSecrets, SecretsError } from '../../shared/environment/secret-box.js';
import { usageQuerySchema } from '../../shared/api/routes/usage.js';
import { GIT_URL_ENTRY_POINT } from './git-url-entry-point.js';
import { UNPACK_ENTRY_POINT } from './unpack-entry-point.js';
import { UPLOAD_ENTRY_POINTS } from './upload-entry-points.js';

export interface EntryPoint {
  name: string;
  input: fc.Arbitrary<unknown>;
  run(input: unknown): Promise<unknown> | unknown;
  /** The errors the caller turns into a 4xx or an acked bad delivery. */
  expected(err: unknown): boolean;
  /** Before the first input and after the last: the served API of the HTTP entry points. */
  open?(): Promise<void>;
  close?(): Promise<void>;
}

const decodeErrors = (err: unknown) => err instanceof BadDeliveryError || err instanceof SyntaxError || (err as Error).name === 'ValidationError';
const json = fc.jsonValue({ maxDepth: 4 });
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
const headers = fc.dictionary(fc.constantFrom('content-type', 'ce-specversion', 'ce-type', 'ce-id', 'ce-source', 'ce-subject', 'x-other'), fc.oneof(fc.string(), fc.constantFrom('application/json', 'application/cloudevents+json', '1.0', 'google.cloud.pubsub.topic.v1.messagePublished', 'google.cloud.storage.object.v1.finalized')));
const pushBody = fc.oneof(
  json,
  fc.record({ message: fc.record({ data: fc.oneof(fc.string(), json.map(b64)), messageId: fc.string(), attributes: fc.dictionary(fc.string(), fc.oneof(fc.string(), json)) }, { requiredKeys: [] }), subscription: fc.oneof(fc.string(), json) }, { requiredKeys: [] }),
);
const delivery = fc.record({ headers, body: fc.oneof(pushBody, fc.string(), fc.uint8Array().map((b) => Buffer.from(b))) });
const bytes = fc.oneof(fc.uint8Array({ maxLength: 4096 }), fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => new TextEncoder().encode(s)));
const frontMatterText = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom('timeout_ms', 'priority', 'metadata', 'callback_url', 'session_id', 'prompt', 'x', '', ' :', '- a'), fc.oneof(fc.string(), fc.constantFrom('1', '[', '{a: b}', '"', "'", '&a *a', '!!binary', '~', '1e999')))), fc.string())
  .map(([pairs, body]) => `---\n${pairs.map(([k, v]) => `${k}: ${v}`).join('\n')}\n---\n${body}`);
const gzipHeader = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]);
const zipHeader = Buffer.from('PK\x03\x04', 'binary');

async function withTempFile<T>(data: Uint8Array, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hostile-'));
  try {
    const file = path.join(dir, 'input');
    await writeFile(file, data);
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const ENTRY_POINTS: EntryPoint[] = [
  { name: 'push envelope / Pub/Sub CloudEvent (messageFromRequest)', input: delivery, run: (d) => messageFromRequest(d as never), expected: decodeErrors },
  { name: 'storage event: notification or CloudEvent (storageEventFromRequest)', input: delivery, run: (d) => storageEventFromRequest(d as never), expected: decodeErrors },
  { name: 'job request body (jobRequestSchema)', input: fc.oneof(json, fc.record({ prompt: fc.oneof(fc.string(), json), timeout_ms: fc.oneof(fc.integer(), json), metadata: fc.oneof(fc.dictionary(fc.string(), fc.string()), json), session_id: fc.oneof(fc.string(), json), output_schema: json, callback_url: fc.oneof(fc.webUrl(), fc.string()) }, { requiredKeys: [] })), run: (b) => jobRequestSchema(480_000).safeParse(b), expected: () => false },
  { name: 'prompt file with front matter (promptFileRequest)', input: fc.oneof(bytes, frontMatterText.map((t) => new TextEncoder().encode(t))), run: (b) => promptFileRequest(b as Uint8Array, { label: 'x.prompt', metadata: { source: 'file_upload' }, maxTimeoutMs: 480_000 }), expected: () => false },
  { name: 'front matter (splitFrontMatter)', input: fc.oneof(fc.string(), frontMatterText), run: (t) => splitFrontMatter(t as string), expected: (e) => e instanceof FrontMatterError },
  { name: 'schedule payloads (parseSchedules)', input: fc.oneof(json, fc.array(fc.record({ name: fc.oneof(fc.string(), json), cron: fc.oneof(fc.string(), fc.constantFrom('* * * * *', '0 0 31 2 *', '*/0 * * * *', '@reboot')), time_zone: fc.oneof(fc.string(), fc.constantFrom('UTC', 'Mars/Base', 'Europe/Paris')), request: json }, { requiredKeys: [] }))), run: (j) => parseSchedules(j, 480_000), expected: (e) => e instanceof ScheduleFileError },
  { name: 'zip archives (readZipArchive)', input: fc.oneof(bytes, bytes.map((b) => Buffer.concat([zipHeader, b]))), run: (b) => withTempFile(b as Uint8Array, (f) => readZipArchive(f, INTAKE_LIMITS)), expected: (e) => e instanceof ArchiveError },
  { name: 'tar.gz archives (readTarGzArchive)', input: fc.oneof(bytes, bytes.map((b) => Buffer.concat([gzipHeader, b]))), run: (b) => readTarGzArchive(Readable.from([Buffer.from(b as Uint8Array)]), INTAKE_LIMITS), expected: (e) => e instanceof ArchiveError },
  { name: 'callback URLs (assertCallbackAllowed)', input: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), fc.ipV6().map((a) => `https://[${a}]/`), fc.ipV4Extended().map((a) => `https://${a}/`), fc.domain().map((d) => `https://${d}/`)), run: (u) => assertCallbackAllowed(u as string, { allowInsecure: false, allowlist: [] }, async () => ['93.184.216.34'], { timeoutMs: 1000 }), expected: (e) => e instanceof CallbackUrlError },
  { name: 'list cursors (decodeCursor)', input: fc.oneof(fc.string(), json.map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'))), run: (c) => decodeCursor(c as string), expected: (e) => e instanceof ApiError && e.status < 500 },
  { name: 'environment spec (environmentSpecSchema)', input: fc.oneof(json, fc.record({ setup: fc.oneof(fc.string(), json), cache: json, env: fc.oneof(fc.dictionary(fc.string(), fc.string()), json), secrets: fc.oneof(fc.dictionary(fc.string(), fc.string()), json), network: fc.oneof(fc.record({ setup: json, agent: fc.oneof(json, fc.record({ allow: fc.array(fc.oneof(fc.string(), fc.domain())), methods: json })) }, { requiredKeys: [] }), json) }, { requiredKeys: [] })), run: (b) => environmentSpecSchema.safeParse(b), expected: () => false },
  { name: 'NETWORK_PRIVATE_ALLOWLIST entries (parsePrivateAllowEntry)', input: fc.oneof(fc.string(), fc.ipV4Extended(), fc.ipV6(), fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: -1, max: 200 })).map(([a, n]) => `${a}/${n}`), fc.domain()), run: (e) => parsePrivateAllowEntry(e as string), expected: () => false },
  { name: 'sealed secrets (decryptSecrets)', input: fc.record({ v: fc.constant(1 as const), alg: fc.constant('A256GCM' as const), kid: fc.oneof(fc.constant('0b1e1c3f4d1ad9b6'), fc.stringMatching(/^[0-9a-f]{16}$/)), values: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.')))) }), run: (s) => decryptSecrets(s as never, '0'.repeat(64)), expected: (e) => e instanceof SecretsError },
  { name: 'usage query (usageQuerySchema)', input: fc.oneof(json, fc.record({ from: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), json), to: fc.oneof(fc.string(), fc.constantFrom('2026-02-30', '0000-00-00', '9999-12-31')), owner: fc.oneof(fc.string(), json) }, { requiredKeys: [] })), run: (q) => usageQuerySchema.safeParse(q), expected: () => false },
  UNPACK_ENTRY_POINT,
  // Served over HTTP against the emulators (run.ts starts them when they are not up).
  ...UPLOAD_ENTRY_POINTS,
  GIT_URL_ENTRY_POINT,
];
