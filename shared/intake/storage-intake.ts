// storage-trigger's core: one object event of the uploads bucket → jobs (finalized) or cancels
// (deleted). Both event shapes arrive here as one StorageEvent (storage-event.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { File, Storage } from '@google-cloud/storage';
import { specFromRequest, type JobSpec } from '../jobs/job-document.js';
import { laneFor, timeoutLimits } from '../jobs/job-lane.js';
import { derivedJobId } from '../jobs/job-id.js';
import type { FirestoreJobStore } from '../store/firestore-job-store.js';
import { liveJobIdsBySourceRef } from '../store/jobs-by-source.js';
import { ArchiveError, archiveKind, readTarGzArchive, readZipArchive, type ArchiveContents, type ArchiveKind } from './archives.js';
import { recordRejectedJob, submitIntakeJob, type IntakeDeps, type IntakeOutcome } from './intake-jobs.js';
import { defaultTimeoutForSize, INTAKE_LIMITS, type IntakeLimits } from './intake-limits.js';
import { downloadObject, ObjectGoneError, ObjectTooLargeError, objectStream, readObject } from './object-reader.js';
import { isPromptFileName, oversizeMessage, promptFileRequest } from './prompt-file.js';
import type { StorageEvent } from './storage-event.js';
import { INPUTS_PREFIX } from '../workspace/upload-object.js';

export interface StorageIntakeDeps extends IntakeDeps {
  store: FirestoreJobStore;
  storage: Storage;
  limits?: IntakeLimits;
  /** Where private temp dirs for archives are made (default: the OS temp dir). */
  tmpRoot?: string;
}

export interface StorageVerdict {
  action: 'ignored' | 'jobs' | 'cancelled' | 'gone';
  detail: string;
  jobIds: string[];
}

const OWNER = 'storage';
const ENTRY_CREATE_CONCURRENCY = 8;

export function storageSourceRef(event: Pick<StorageEvent, 'bucket' | 'name' | 'generation'>): string {
  return `gs://${event.bucket}/${event.name}#${event.generation}`;
}

export async function handleStorageEvent(deps: StorageIntakeDeps, event: StorageEvent): Promise<StorageVerdict> {
  const log = deps.log.child({ event_id: event.eventId, object: `gs://${event.bucket}/${event.name}`, generation: event.generation });
  const d = { ...deps, log };
  if (event.bucket !== deps.config.UPLOADS_BUCKET) {
    log.warn('event for a bucket other than UPLOADS_BUCKET; ignored', { event_type: event.type });
    return { action: 'ignored', detail: 'other bucket', jobIds: [] };
  }
  // inputs/ holds workspace uploads (POST /uploads): archives to start jobs from, never prompt drops.
  if (event.name.startsWith(INPUTS_PREFIX)) {
    log.debug('a workspace upload under inputs/; ignored', { event_type: event.type });
    return { action: 'ignored', detail: 'workspace upload', jobIds: [] };
  }
  const isPrompt = isPromptFileName(event.name);
  const archive = isPrompt ? null : archiveKind(event.name);
  if (!isPrompt && !archive) {
    log.debug('not a .codex/.prompt file or an archive; ignored', { event_type: event.type });
    return { action: 'ignored', detail: 'other suffix', jobIds: [] };
  }
  if (event.kind === 'deleted') return cancelJobsOf(d, event);
  if (event.kind !== 'finalized') {
    log.debug('object event type not handled; ignored', { event_type: event.type });
    return { action: 'ignored', detail: event.type, jobIds: [] };
  }
  const file = deps.storage.bucket(event.bucket).file(event.name, { generation: event.generation });
  try {
    const outcomes = archive ? await archiveJobs(d, event, file, archive) : [await promptFileJob(d, event, file)];
    return { action: 'jobs', detail: `${outcomes.length} job(s)`, jobIds: outcomes.map((o) => o.job.job_id) };
  } catch (err) {
    if (!(err instanceof ObjectGoneError)) throw err;
    log.info('the object generation is gone (deleted or replaced); nothing to run');
    return { action: 'gone', detail: 'object gone', jobIds: [] };
  }
}

function baseMetadata(event: StorageEvent): Record<string, string> {
  return { source: 'file_upload', original_filename: path.posix.basename(event.name), object: event.name, bucket: event.bucket };
}

/** Intake's limits, with the archive-wide ones from the workspace limits of the config. */
function limitsOf(deps: StorageIntakeDeps): IntakeLimits {
  return deps.limits ?? { ...INTAKE_LIMITS, maxArchiveEntries: deps.config.WORKSPACE_MAX_FILES, maxArchiveDataBytes: deps.config.WORKSPACE_MAX_BYTES };
}

/** The spec of a job that cannot run: what we know of the file, no prompt. */
function rejectedSpec(deps: StorageIntakeDeps, event: StorageEvent, jobId: string, metadata: Record<string, string>, sizeBytes: number): JobSpec {
  return {
    job_id: jobId,
    owner: OWNER,
    prompt: '',
    timeout_ms: defaultTimeoutForSize(sizeBytes, deps.config.MAX_JOB_TIMEOUT_MS),
    priority: 'low',
    metadata,
    callback_url: null,
    session_id: null,
    output_schema: null,
    max_total_tokens: null,
    source: 'storage',
    source_ref: storageSourceRef(event),
    created_at: new Date().toISOString(),
  };
}

async function jobFromBytes(deps: StorageIntakeDeps, event: StorageEvent, jobId: string, label: string, metadata: Record<string, string>, bytes: Buffer, workspace: JobSpec['workspace'] = null): Promise<IntakeOutcome> {
  const outcome = promptFileRequest(bytes, { label, metadata, maxTimeoutMs: deps.config.MAX_JOB_TIMEOUT_MS, timeoutLimits: timeoutLimits(deps.config) });
  if (!outcome.ok) return recordRejectedJob(deps, rejectedSpec(deps, event, jobId, metadata, bytes.length), outcome.message);
  const spec = specFromRequest(outcome.request, { job_id: jobId, owner: OWNER, source: 'storage', source_ref: storageSourceRef(event), lane: laneFor(outcome.request, deps.config) });
  // An archive's other files are the starting workspace of each of its jobs (read by the processor from this generation).
  return submitIntakeJob(deps, workspace ? { ...spec, workspace } : spec);
}

async function promptFileJob(deps: StorageIntakeDeps, event: StorageEvent, file: File): Promise<IntakeOutcome> {
  const limits = limitsOf(deps);
  const jobId = derivedJobId(event.bucket, event.name, event.generation);
  const metadata = baseMetadata(event);
  const tooLarge = () => recordRejectedJob(deps, rejectedSpec(deps, event, jobId, metadata, event.size ?? limits.maxFileBytes + 1), oversizeMessage(event.name, limits.maxFileBytes));
  if ((event.size ?? 0) > limits.maxFileBytes) return tooLarge();
  let bytes: Buffer;
  try {
    bytes = await readObject(file, limits.maxFileBytes);
  } catch (err) {
    if (err instanceof ObjectTooLargeError) return tooLarge();
    throw err;
  }
  return jobFromBytes(deps, event, jobId, event.name, metadata, bytes);
}

async function archiveJobs(deps: StorageIntakeDeps, event: StorageEvent, file: File, kind: ArchiveKind): Promise<IntakeOutcome[]> {
  const limits = limitsOf(deps);
  const archiveId = derivedJobId(event.bucket, event.name, event.generation);
  const metadata = baseMetadata(event);
  const refuse = async (reason: string) => [await recordRejectedJob(deps, rejectedSpec(deps, event, archiveId, metadata, event.size ?? 0), `${event.name}: ${reason}`)];
  const cap = limits.maxArchiveObjectBytes;
  if ((event.size ?? 0) > cap) return refuse(`the archive is larger than ${cap} bytes`);
  let contents: ArchiveContents;
  try {
    contents = kind === 'zip' ? await readZipFromBucket(deps, file, limits) : await readTarGzArchive(objectStream(file, cap), limits);
  } catch (err) {
    if (err instanceof ArchiveError) return refuse(err.message);
    if (err instanceof ObjectTooLargeError) return refuse(`the archive is larger than ${cap} bytes`);
    throw err;
  }
  if (contents.skipped.length) deps.log.warn('archive entries skipped', { skipped: contents.skipped.slice(0, 20) });
  const skippedNote = describeSkipped(contents.skipped);
  if (contents.prompts.length === 0 && contents.rejected.length === 0) {
    return refuse(`the archive has no .codex or .prompt entries to run${skippedNote ? `; skipped: ${skippedNote}` : ''}`);
  }
  const workspace = contents.workspaceFiles > 0 ? { archive: { bucket: event.bucket, object: event.name, generation: event.generation } } : null;
  const entryMetadata = (entry: string) => ({ ...metadata, archive_entry: entry, ...(skippedNote ? { skipped_entries: truncate(skippedNote, 1024) } : {}) });
  const tasks: (() => Promise<IntakeOutcome>)[] = [
    ...contents.prompts.map((p) => () => jobFromBytes(deps, event, derivedJobId(event.bucket, event.name, event.generation, p.path), `${event.name}: ${p.path}`, entryMetadata(p.path), p.bytes, workspace)),
    ...contents.rejected.map((r) => () => {
      const meta = entryMetadata(r.path);
      return recordRejectedJob(deps, rejectedSpec(deps, event, derivedJobId(event.bucket, event.name, event.generation, r.path), meta, 0), `${event.name}: ${r.path}: ${r.reason}`);
    }),
  ];
  const outcomes: IntakeOutcome[] = [];
  for (let i = 0; i < tasks.length; i += ENTRY_CREATE_CONCURRENCY) {
    outcomes.push(...(await Promise.all(tasks.slice(i, i + ENTRY_CREATE_CONCURRENCY).map((t) => t()))));
  }
  deps.log.info('archive read', { entries: contents.entryCount, bytes_read: contents.bytesRead, jobs: outcomes.length, skipped: contents.skipped.length });
  return outcomes;
}

/** yauzl needs random access: the zip goes into a private temp dir (mode 0700), removed after. */
async function readZipFromBucket(deps: StorageIntakeDeps, file: File, limits: IntakeLimits): Promise<ArchiveContents> {
  const dir = await mkdtemp(path.join(deps.tmpRoot ?? os.tmpdir(), 'codex-intake-'));
  try {
    const local = path.join(dir, 'archive.zip');
    await downloadObject(file, local, limits.maxArchiveObjectBytes);
    return await readZipArchive(local, limits);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function describeSkipped(skipped: ArchiveContents['skipped']): string {
  return skipped.map((s) => `${s.path} (${s.reason})`).join('; ');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

/** Object deleted: its queued jobs are cancelled; processing ones get a cancel request. */
async function cancelJobsOf(deps: StorageIntakeDeps, event: StorageEvent): Promise<StorageVerdict> {
  if (await replacedByNewerUpload(deps, event)) {
    deps.log.info('generation replaced by a newer upload; its jobs are left to run');
    return { action: 'ignored', detail: 'overwritten', jobIds: [] };
  }
  const ids = await liveJobIdsBySourceRef(deps.store.db, storageSourceRef(event));
  const cancelled: string[] = [];
  for (const id of ids) {
    const result = await deps.store.cancel(id);
    if (result.outcome === 'cancelled' || result.outcome === 'requested') cancelled.push(id);
    deps.log.info(`object deleted: job ${result.outcome}`, { job_id: id });
  }
  return { action: 'cancelled', detail: `${cancelled.length} job(s)`, jobIds: cancelled };
}

/**
 * GCS also sends a delete for the old generation when an upload replaces an object. Pub/Sub
 * notifications say so (overwrittenByGeneration); a CloudEvent does not, so the bucket is asked.
 */
async function replacedByNewerUpload(deps: StorageIntakeDeps, event: StorageEvent): Promise<boolean> {
  if (event.overwrittenByGeneration) return true;
  try {
    const [meta] = await deps.storage.bucket(event.bucket).file(event.name).getMetadata();
    return meta.generation !== undefined && String(meta.generation) !== event.generation;
  } catch (err) {
    if ((err as { code?: unknown }).code === 404) return false;
    throw err;
  }
}
