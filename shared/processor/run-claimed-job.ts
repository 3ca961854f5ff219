// Runs a job this processor has claimed: workspace → Codex turn → outputs → result.json → terminal
// status → codex-results. Every path ends in a recorded terminal state, and the workspace and every
// child process are gone afterwards.
import type { BlobStore } from '../blobs/blob-store.js';
import { writeCodexHome, providerFromConfig, scrubbedEnv } from '../codex/codex-home.js';
import { sandboxProbeOnce } from '../codex/sandbox-probe.js';
import { LEASE_LOST, runTurn as realRunTurn, type TurnOutcome, type TurnRequest } from '../codex/run-turn.js';
import type { Config } from '../config.js';
import { attemptOrder } from '../blobs/ordered-write.js';
import type { JobDocument, JobResult, ProgressStage } from '../jobs/job-document.js';
import { JobFailure, type JobErrorInfo } from '../jobs/job-error.js';
import { isTerminal } from '../jobs/job-status.js';
import type { Logger } from '../logging.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { JobStore } from '../store/job-store.js';
import { EventSink, eventSeqBase } from './event-sink.js';
import { AttemptWriter, HolderGuard, LeaseLostError } from './holder-guard.js';
import { exitCodeOf, verdict, type TerminalStatus } from './job-verdict.js';
import { createJobWorkspace } from './job-workspace.js';
import { earlyServerFor, type EarlyAppServer } from './early-app-server.js';
import { keepLease } from './lease-keeper.js';
import { snapshotWorkspace, uploadOutputs } from './output-files.js';
import { collectOutputs } from './collect-outputs.js';
import { progressWriter } from './progress-writer.js';
import { sendRecordedResult } from './publish-result.js';
import { restoreSession, saveSession, sessionOrder } from './session-store.js';
import { withCost } from '../usage/model-prices.js';
import { recordJobChanges, skippedEventData } from '../workspace/job-changes.js';
import { prepareWorkspace } from '../workspace/prepare-workspace.js';
import { agentCodexSettings, defaultEnvironmentDeps, prepareJobEnvironment, stoppedBeforeTurn, type EnvironmentDeps, type PreparedEnvironment } from '../environment/job-environment.js';
import { SecretRedactor } from '../environment/secret-redaction.js';
import { redactingWriter } from '../environment/redacting-writer.js';
import { jobFinishedFields, jobFinishedMessage } from '../telemetry/job-finished-log.js';
import type { JobRunObserver } from '../telemetry/job-run-observer.js';
import { finishStages, JobStages } from '../telemetry/job-stages.js';
import { deliverJob, mayDeliver } from '../delivery/deliver-job.js';

export interface ProcessorDeps {
  config: Config;
  store: JobStore;
  queue: JobQueue;
  blobs: BlobStore;
  log: Logger;
  holder: string;
  runTurn?: (req: TurnRequest) => Promise<TurnOutcome>;
  /** (v4) Where a job's environment comes from, and the settings its run reads (default: from config). */
  environment?: EnvironmentDeps;
  /** (v4) Told when a claimed run starts and how it ends (the worker's Prometheus metrics). */
  observer?: JobRunObserver;
  /** Releases the clients (tests and tools; a function instance keeps them for its life). */
  close?: () => Promise<void>;
}

export function resultObjectName(jobId: string): string {
  return `jobs/${jobId}/result.json`;
}

/** `relinquish`: aborting it gives the job back unfinished (no terminal write), as a worker does at shutdown. */
export interface RunOptions {
  relinquish?: AbortSignal;
  /** The attempt's stage timings and spans (telemetry/job-stages.ts), begun by the claim. */
  stages?: JobStages;
  /** The job's folders and app-server, started while the claim ran (early-app-server.ts). */
  early?: EarlyAppServer;
}

export async function runClaimedJob(deps: ProcessorDeps, job: JobDocument, options: RunOptions = {}): Promise<JobDocument | null> {
  try {
    return await runJob(deps, job, options);
  } catch (err) {
    // No outcome could be recorded (a dependency failed): give the lease up, so the redelivery this
    // error asks for takes the job over at once instead of being acked as a duplicate.
    await deps.store.releaseLease(job.job_id, deps.holder).catch(() => undefined);
    throw err;
  }
}

async function runJob(deps: ProcessorDeps, job: JobDocument, options: RunOptions): Promise<JobDocument | null> {
  const { config, store, blobs, log: baseLog, holder } = deps;
  const log = baseLog.child({ job_id: job.job_id });
  const cancel = new AbortController();
  let cancelRequested = false;
  // Lost (lease keeper, give-back, or a write the job's new holder owns): stop, and record nothing more.
  const guard = new HolderGuard(store, job.job_id, { holder, attempt: job.attempts }, () => cancel.abort(LEASE_LOST));
  const stopLease = keepLease(store, job.job_id, holder, config.JOB_LEASE_MS, () => guard.markLost(), log, job.lease ? { expiresAt: Date.parse(job.lease.expires_at) } : {});
  // Given back (worker shutdown): stop like a lost lease, recording nothing; the caller releases the lease.
  const giveBack = () => {
    log.warn('giving the job back unfinished (shutting down)');
    guard.markLost();
  };
  options.relinquish?.addEventListener('abort', giveBack, { once: true });
  const unwatch = store.watch(job.job_id, (doc) => {
    if (doc.cancel_requested && !cancel.signal.aborted) {
      cancelRequested = true;
      log.info('cancel requested; interrupting the turn');
      cancel.abort();
    }
  });
  const progress = progressWriter(store, job.job_id, log, guard.fence);
  const started = Date.now();
  const stages = options.stages ?? new JobStages({ job_id: job.job_id, lane: job.lane, attempt: job.attempts });
  stages.begin('job.workspace');
  // Independent set-up steps run side by side: they are on every job's critical path.
  let setup;
  try {
    setup = await Promise.all([options.early?.workspace ?? createJobWorkspace(job.job_id), sandboxProbeOnce(config.CODEX_BIN, config.CODEX_SANDBOX)]);
  } catch (err) {
    await options.early?.discard();
    // Nothing ran yet: let the delivery be retried (the lease then expires or is taken over).
    stages.end(err);
    stopLease();
    unwatch();
    options.relinquish?.removeEventListener('abort', giveBack);
    throw err;
  }
  const [workspace, probe] = setup;
  const events = new EventSink(store, job.job_id, eventSeqBase(job.attempts), log, undefined, undefined, guard.fence);
  // Progress goes to the document (progress field) and, as the contract asks, to the events too.
  const stage = (name: ProgressStage, message: string) => {
    progress.set(name, message);
    events.push('progress', { stage: name, message });
  };
  let outcome: TurnOutcome | undefined;
  let environment: PreparedEnvironment | null = null;
  let terminalWriteTried = false;
  try {
    events.push('claimed', { holder, attempt: job.attempts });
    if (!probe.ok) throw new JobFailure('internal', probe.message);
    const envDeps = deps.environment ?? defaultEnvironmentDeps(config);
    const envInput = envDeps.of(job);
    // Secrets become *** in everything the run records from here on (events, result, objects).
    const redactor = new SecretRedactor(envInput?.secrets ?? {});
    events.redactWith((data) => redactor.value(data));
    // Every object of this run carries its attempt: a later attempt's object is never replaced.
    const objects = redactingWriter(new AttemptWriter(blobs, guard, attemptOrder(job.attempts)), redactor);
    const early = await earlyServerFor(options.early, job, envInput !== null, () => writeCodexHome(workspace.codexHome, providerFromConfig(config), config.CODEX_SANDBOX, agentCodexSettings(envInput)));
    const prepared = await prepareWorkspace({
      config,
      blobs,
      job,
      ws: workspace,
      restoreSession: () => restoreSession(blobs, config.RESULTS_BUCKET, { owner: job.owner, session_id: job.session_id! }, workspace),
      signal: cancel.signal,
    });
    if (prepared.skipped.length) events.push('workspace_skipped', skippedEventData(prepared.skipped));
    const resumeThreadId = prepared.resumeThreadId;
    stage('workspace_ready', resumeThreadId ? 'workspace restored from the session' : 'workspace ready');
    const remaining = () => Math.max(0, job.timeout_ms - (Date.now() - started));
    if (envInput) stages.begin('job.setup');
    environment = envInput && (await prepareJobEnvironment({ job, env: envInput, deps: envDeps, config, dirs: workspace, blobs, objects, guard, emit: (type, data) => events.push(type, data), timeoutMs: remaining(), signal: cancel.signal }));
    const before = await snapshotWorkspace(workspace.workspace); // after setup: what it installed is not an output
    stage('codex_running', 'codex is working');
    stages.begin('job.turn');
    outcome = environment?.stop ? stoppedBeforeTurn(environment.stop) : await (deps.runTurn ?? realRunTurn)({
      bin: config.CODEX_BIN,
      jobRoot: workspace.root,
      workspace: workspace.workspace,
      env: { ...scrubbedEnv(process.env, workspace, config.OPENAI_API_KEY), ...environment?.agent?.serverEnv },
      ...(environment?.agent ? { isolation: environment.agent.isolation } : {}),
      ...(early ? { server: await early.take() } : {}),
      stopAtOnce: !job.session_id,
      prompt: job.prompt,
      model: config.CODEX_MODEL,
      sandbox: config.CODEX_SANDBOX,
      timeoutMs: remaining(),
      outputSchema: job.output_schema,
      maxTotalTokens: job.max_total_tokens,
      resumeThreadId,
      signal: cancel.signal,
      onEvent: (type, data) => events.push(type, data),
    });
    await outcome.closed; // uploads start only after every process of the turn has ended
    // The changes are computed (nothing written) while the lease is checked (the turn may have outlived
    // it) and the turn's events are written: none is still in flight when the first object write starts.
    const changesReady = recordJobChanges(objects, config.OUTPUTS_BUCKET, job.job_id, prepared, log);
    await Promise.all([guard.check(), events.flush()]).finally(() => changesReady);
    const v = verdict(job, outcome);
    stage('uploading', 'uploading created files');
    stages.begin('job.outputs');
    const changes = await changesReady;
    const { created, truncated, seen } = await collectOutputs(config, job.job_id, workspace.workspace, before, changes?.outputs);
    if (changes && truncated) for (const c of [changes.full, changes.inDocument]) c.truncated = true; // the output caps cut the outputs
    // The delivery is a stage of its own when it may push; the uploads after it are outputs again.
    const delivering = v.status === 'completed' && mayDeliver(job, prepared);
    if (delivering) stages.begin('job.delivery');
    const delivered = await deliverJob({ config, blobs, job, prepared, status: v.status, finalMessage: outcome.finalMessage, changes: changes?.inDocument ?? null, guard, emit: (type, data) => events.push(type, data), log });
    if (delivering) stages.begin('job.outputs');
    const result: JobResult = redactor.value({
      exit_code: exitCodeOf(outcome, v),
      final_message: outcome.finalMessage,
      ...(v.structured === undefined ? {} : { structured_output: v.structured }),
      stdout: outcome.commandOutput,
      stderr: outcome.stderr,
      execution_time_ms: Date.now() - started,
      output_files: created.map((f) => f.filename),
      created_files: created,
      usage: withCost(outcome.usage, config),
      thread_id: outcome.threadId,
      ...(truncated ? { outputs_truncated: true } : {}),
      changes: changes?.inDocument ?? null,
      ...(environment ? { setup: environment.setup } : {}),
      ...delivered.fields,
    });
    const sessionObjects = new AttemptWriter(blobs, guard, sessionOrder(job, job.attempts));
    // result.json first: every run of the job writes it, so a run that lost the job to a later attempt
    // stops there, before it could write anything else (or announce an end). Then the rest side by side.
    await objects.writeJson(config.RESULTS_BUCKET, resultObjectName(job.job_id), { job_id: job.job_id, attempt: job.attempts, status: v.status, error: v.error, result: { ...result, changes: changes?.full ?? null } });
    await Promise.all([
      changes?.uploadPatch(),
      uploadOutputs(objects, config.OUTPUTS_BUCKET, job.job_id, workspace.workspace, created, seen, log),
      job.session_id && v.status === 'completed' && outcome.threadId ? saveSession(sessionObjects, config.RESULTS_BUCKET, { owner: job.owner, session_id: job.session_id }, workspace, outcome.threadId, delivered.session) : undefined,
      progress.settled(),
      outcome.closed,
    ]);
    terminalWriteTried = true;
    if (!environment) void workspace.remove(); // nothing reads it any more: removed while the terminal write runs
    return await finishStages(stages, events, { status: v.status, ...(v.error ? { error: v.error } : {}) }, () => finish(deps, job, v.status, { result, error: v.error }));
  } catch (err) {
    if (guard.lost || err instanceof LeaseLostError) return events.discard();
    // A terminal write that failed may still have committed: never add a second, contradicting outcome.
    if (terminalWriteTried) {
      const now = await store.get(job.job_id).catch(() => null);
      if (now && isTerminal(now.status)) return now;
    }
    if (cancelRequested) {
      // Cancelled before the turn (a clone or setup stopped by the abort): the job is cancelled, not failed.
      log.info('the run stopped at a cancel request', { error: err as Error });
      await progress.settled();
      return await finishStages(stages, events, { status: 'cancelled' }, () => finish(deps, job, 'cancelled', { error: null }), err);
    }
    const failure = err instanceof JobFailure ? err : new JobFailure('internal', (err as Error).message);
    log.error('job failed', { error_code: failure.code, error: failure });
    await progress.settled();
    return await finishStages(stages, events, { status: 'failed', error: { code: failure.code, message: failure.message } }, () => finish(deps, job, 'failed', { error: { code: failure.code, message: failure.message } }), err);
  } finally {
    stages.end(); // a run that lost its lease records nothing, but its span ends
    stopLease();
    unwatch();
    options.relinquish?.removeEventListener('abort', giveBack);
    await outcome?.closed; // never remove a workspace under a live process
    await options.early?.release(); // started early, never used by a turn
    await environment?.close();
    await workspace.remove().catch((err: Error) => log.error('could not remove the workspace', { error: err, path: workspace.root }));
  }
}

async function finish(deps: ProcessorDeps, job: JobDocument, status: TerminalStatus, patch: { result?: JobResult; error: JobErrorInfo | null }) {
  // The terminal write also reserves the codex-results message (one transaction, not two). Killed
  // before the publish or its confirmation, the reservation runs out and the sweeper sends it.
  const done = await deps.store.finish(job.job_id, status, patch, deps.holder, { reserveResult: true, attempt: job.attempts });
  if (!done) {
    deps.log.warn('job was no longer ours when it ended; result not recorded', { job_id: job.job_id });
    return null;
  }
  deps.log.info(jobFinishedMessage(done), jobFinishedFields(done)); // the log-based metrics' line (monitoring.tf)
  // Recorded: from here a failure can only leave the result unsent (never a second outcome).
  await sendRecordedResult(deps.store, deps.queue, done, deps.log);
  return done;
}
