// The setup phase of a job with an environment, between "workspace ready" and the turn: restore the
// dependency cache (a hit runs `maintenance` instead of `setup`), run the script under the setup
// network policy, record its output (setup events, setup.log), save the cache after a successful
// setup, and say what happened (result.setup). A non-zero exit is `setup_failed`; a stop (cancel,
// timeout, lease loss) is reported like a stopped turn.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { BlobStore } from '../blobs/blob-store.js';
import type { AttemptWriter, HolderGuard } from '../processor/holder-guard.js';
import type { SetupResult } from './environment-schemas.js';
import type { TurnStop } from '../codex/run-turn.js';
import { JobFailure } from '../jobs/job-error.js';
import { trackingRepo } from '../workspace/base-commit.js';
import { cacheKey, cacheObjectName, restoreCache, saveCache } from './dependency-cache.js';
import { startEgressProxy } from './egress-proxy.js';
import { phasePolicy, type EnvironmentSpec } from './environment-spec.js';
import type { NetworkEvents } from './network-events.js';
import { compileEgressPolicy } from './network-policy.js';
import type { SecretRedactor } from './secret-redaction.js';
import { runSetupProcess } from './setup-run.js';

type SetupCacheOutcome = SetupResult['cache'];

/**
 * The run's fences (processor/holder-guard.ts): setup.log is written like the job's other objects
 * (ordered by attempt, refused to a run that lost its lease), and the cache is saved only after a
 * check that the run still holds the job.
 */
export interface SetupFence {
  objects: Pick<AttemptWriter, 'uploadFile'>;
  guard: Pick<HolderGuard, 'check'>;
}

/** What the setup phase reads from the configuration (the lead wires these to shared/config.ts). */
export interface EnvironmentRunOptions {
  outputsBucket: string;
  resultsBucket: string;
  /** NETWORK_PRIVATE_ALLOWLIST */
  privateAllowlist: readonly string[];
  /** ENV_CACHE_MAX_BYTES */
  cacheMaxBytes: number;
}

export interface SetupPhaseRequest {
  jobId: string;
  owner: string;
  spec: EnvironmentSpec;
  /** The environment's secrets, decrypted (visible to setup only). */
  secrets: Record<string, string>;
  dirs: { root: string; workspace: string; home: string; tmpDir: string };
  codexBin: string;
  options: EnvironmentRunOptions;
  blobs: BlobStore;
  fence: SetupFence;
  emit: (type: string, data: Record<string, unknown>) => void;
  network: NetworkEvents;
  redactor: SecretRedactor;
  /** Milliseconds left of the job's timeout_ms. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SetupPhaseOutcome {
  setup: SetupResult;
  /** Set when setup was stopped (cancel, timeout, lease loss): the job ends as a stopped turn would. */
  stop?: TurnStop;
}

/** Bytes of setup output lines recorded as events per job; setup.log has all of it. */
export const SETUP_EVENT_BYTES = 256 * 1024;
const LAST_LINES = 20;

export function setupLogObjectName(jobId: string): string {
  return `jobs/${jobId}/setup.log`;
}

let codexVersion: Promise<string> | undefined;
/** `codex --version`, asked once per process (part of the cache key). */
export function codexVersionOf(bin: string): Promise<string> {
  codexVersion ??= new Promise((resolve) => execFile(bin, ['--version'], { timeout: 10_000 }, (err, stdout) => resolve(err ? 'unknown' : stdout.trim())));
  return codexVersion;
}

/** The cache paths are the environment's, not the job's changes: the patch and change list leave them out. */
async function excludeFromChanges(dirs: SetupPhaseRequest['dirs'], paths: readonly string[]): Promise<void> {
  const info = path.join(trackingRepo(dirs.root, dirs.workspace).gitDir, 'info');
  await mkdir(info, { recursive: true });
  await appendFile(path.join(info, 'exclude'), paths.map((p) => `/${p.replace(/\/+$/, '')}\n`).join(''));
}

export async function runSetupPhase(req: SetupPhaseRequest): Promise<SetupPhaseOutcome> {
  const { spec, options, blobs, emit, redactor } = req;
  const started = Date.now();
  if (spec.cache) await excludeFromChanges(req.dirs, spec.cache.paths);
  const cacheObject = spec.cache ? cacheObjectName(req.owner, await cacheKey(spec, req.dirs.workspace, await codexVersionOf(req.codexBin))) : null;
  const hit = cacheObject ? await restoreCache(blobs, options.resultsBucket, cacheObject, req.dirs.workspace, spec.cache!.paths) : false;
  const script = hit ? (spec.maintenance ?? '') : spec.setup;
  emit('setup', { stage: 'started', cache: cacheObject ? (hit ? 'hit' : 'miss') : 'none', ...(hit ? { script: 'maintenance' } : {}) });

  let exitCode: number | null = null;
  let stop: TurnStop | undefined;
  const lastLines: string[] = [];
  if (script.trim()) {
    const logPath = path.join(req.dirs.root, 'setup.log');
    const log = createWriteStream(logPath, { mode: 0o600 });
    let eventBytes = 0;
    let eventsCut = false;
    const onLine = (raw: string) => {
      const line = redactor.text(raw);
      log.write(line + '\n');
      lastLines.push(line);
      if (lastLines.length > LAST_LINES) lastLines.shift();
      eventBytes += Buffer.byteLength(line) + 1;
      if (eventBytes <= SETUP_EVENT_BYTES) emit('setup', { stage: 'output', line });
      else if (!eventsCut) {
        eventsCut = true;
        emit('setup', { stage: 'output', line: `[setup output past ${SETUP_EVENT_BYTES} bytes is in setup.log only]` });
      }
    };
    const policy = phasePolicy(spec, 'setup');
    const proxy = policy === 'off' ? null : await startEgressProxy({ listen: { path: path.join(req.dirs.root, 'egress-setup.sock') }, policy: compileEgressPolicy(policy, { privateAllowlist: options.privateAllowlist }), phase: 'setup', events: req.network });
    try {
      const run = await runSetupProcess({
        codexBin: req.codexBin,
        dirs: req.dirs,
        script,
        env: { ...spec.env, ...req.secrets },
        ...(proxy ? { proxySocket: proxy.address as string } : {}),
        timeoutMs: req.timeoutMs - (Date.now() - started),
        ...(req.signal ? { signal: req.signal } : {}),
        onLine,
      });
      exitCode = run.exitCode;
      stop = run.stop;
    } finally {
      await proxy?.close();
      log.end();
      await once(log, 'close');
    }
    if (!stop) await req.fence.objects.uploadFile(options.outputsBucket, setupLogObjectName(req.jobId), logPath, 'text/plain; charset=utf-8');
  } else {
    exitCode = hit ? null : 0;
  }

  let cache: SetupCacheOutcome = cacheObject ? (hit ? 'hit' : 'miss') : 'none';
  if (!stop && cacheObject && !hit && exitCode === 0) {
    // Saved before the turn, not beside it: the agent may change these paths, and the cache must be what setup made.
    await req.fence.guard.check();
    const saved = await saveCache(blobs, options.resultsBucket, cacheObject, req.dirs.workspace, spec.cache!.paths, options.cacheMaxBytes, req.signal);
    cache = saved.saved ? 'saved' : 'miss';
    if (!saved.saved) emit('setup', { stage: 'output', line: `cache not saved: ${saved.reason}` });
  }
  const setup: SetupResult = { cache, exit_code: exitCode, duration_ms: Date.now() - started };
  emit('setup', { stage: 'finished', exit_code: exitCode, duration_ms: setup.duration_ms, cache, ...(stop ? { stopped: stop } : {}) });
  if (stop) return { setup, stop };
  if (exitCode !== 0 && exitCode !== null) {
    throw new JobFailure('setup_failed', `setup exited with code ${exitCode}; its last lines:\n${lastLines.join('\n')}`);
  }
  return { setup };
}
