// Waiting for a job: `watch`, `submit --follow|--wait`, `rerun --follow|--wait`. Ctrl-C stops
// watching (the job goes on), prints the cancel command and exits 130.
import { isTerminal } from '../../../shared/jobs/job-status.js';
import { CodexJobsError } from '../../sdk/errors.js';
import type { JobDocument } from '../../sdk/types.js';
import type { Ctx } from '../context.js';
import { deliveryLine, pullRequestLine } from '../delivery-text.js';
import { EXIT, ExitWith, exitCodeForJob } from '../exit-codes.js';
import { color, formatDuration } from '../output.js';
import { WatchView } from '../watch-view.js';

/** Ctrl-C aborts the signal (instead of killing the process), so the CLI can say how to cancel. */
function interruptible(jobId: string, ctx: Ctx): { signal: AbortSignal; dispose(): void; interrupted(): boolean } {
  const controller = new AbortController();
  let hit = false;
  const onSigint = () => {
    hit = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return {
    signal: controller.signal,
    interrupted: () => hit,
    dispose: () => {
      process.off('SIGINT', onSigint);
      if (hit) ctx.out.note(`stopped watching; job ${jobId} goes on. To cancel it: codex-jobs cancel ${jobId}`);
    },
  };
}

export async function followJob(ctx: Ctx, jobId: string, o: { live: boolean }): Promise<number> {
  const sdk = ctx.sdk();
  const first = await sdk.jobs.get(jobId);
  if (isTerminal(first.status)) return printFinal(ctx, first);
  const stop = interruptible(jobId, ctx);
  const view = o.live ? new WatchView(first, process.stderr, ctx.out.stderrIsTty && ctx.out.mode === 'human') : undefined;
  if (!o.live) ctx.out.note(`waiting for job ${jobId}… (Ctrl-C stops waiting; the job goes on)`);
  try {
    for await (const event of sdk.jobs.stream(jobId, { signal: stop.signal })) {
      view?.onEvent(event);
      if (ctx.out.mode === 'jsonl') ctx.out.json(event);
    }
    const done = await sdk.jobs.get(jobId, { signal: stop.signal });
    view?.finish(done);
    return printFinal(ctx, done);
  } catch (err) {
    view?.stop();
    if (stop.interrupted() || (err instanceof CodexJobsError && err.code === 'aborted')) throw new ExitWith(EXIT.interrupted);
    throw err;
  } finally {
    stop.dispose();
  }
}

/** The finished job on stdout (JSON, or a summary), and the exit code of its outcome. */
export function printFinal(ctx: Ctx, job: JobDocument): number {
  if (ctx.out.mode !== 'human') {
    ctx.out.json(job);
    return exitCodeForJob(job);
  }
  const took = job.result ? ` in ${formatDuration(job.result.execution_time_ms)}` : '';
  const tokens = job.result ? ` · ${job.result.usage.total_tokens.toLocaleString('en-US')} tokens` : '';
  const changes = (job.result as { changes?: { stats?: { files_changed: number; insertions: number; deletions: number } } | null } | null)?.changes?.stats;
  const changed = changes ? ` · ${changes.files_changed} file(s) changed (+${changes.insertions} −${changes.deletions})` : '';
  ctx.out.line(`job ${job.job_id} ${color.status(job.status)}${took}${tokens}${changed}`);
  if (job.error) ctx.out.line(`${job.error.code}: ${job.error.message}`);
  if (job.result?.final_message) ctx.out.line(job.result.final_message);
  const delivery = job.result?.delivery;
  if (delivery) {
    ctx.out.line(`delivery ${deliveryLine(delivery)}${delivery.error ? `: ${delivery.error}` : ''}`);
    const pr = pullRequestLine(delivery);
    if (pr) ctx.out.line(`pull request ${pr}`);
  }
  if (job.status === 'completed' && changes && changes.files_changed > 0) ctx.out.note(color.dim(`see the changes: codex-jobs diff ${job.job_id} · apply them here: codex-jobs apply ${job.job_id}`));
  return exitCodeForJob(job);
}
