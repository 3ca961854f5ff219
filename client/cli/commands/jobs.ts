// get, list, watch, cancel.
import type { Command } from 'commander';
import type { JobDocument, JobSummary, ListParams } from '../../sdk/types.js';
import type { Ctx } from '../context.js';
import { deliveryRows } from '../delivery-text.js';
import { UsageError } from '../exit-codes.js';
import { color, formatDuration, table } from '../output.js';
import { followJob } from './follow.js';

function describeJob(ctx: Ctx, job: JobDocument): void {
  const rows: [string, string][] = [
    ['job', job.job_id],
    ['status', color.status(job.status) + (job.cancel_requested && job.status === 'processing' ? ' (cancel requested)' : '')],
    ['stage', `${job.progress.stage}${job.progress.message ? ` — ${job.progress.message}` : ''}`],
    ['priority', job.priority],
    ['created', job.created_at],
  ];
  if (job.completed_at) rows.push(['completed', job.completed_at]);
  if (job.max_total_tokens) rows.push(['budget', `${job.max_total_tokens.toLocaleString('en-US')} tokens`]);
  if (job.result) {
    rows.push(['took', formatDuration(job.result.execution_time_ms)], ['tokens', job.result.usage.total_tokens.toLocaleString('en-US')], ['files', String(job.result.created_files.length)]);
  }
  if (job.error) rows.push(['error', `${job.error.code}: ${job.error.message}`]);
  rows.push(...deliveryRows(job.result?.delivery));
  for (const line of table(rows.map(([k, v]) => [color.dim(k), v]))) ctx.out.line(line);
  if (job.result?.final_message) ctx.out.line(`\n${job.result.final_message}`);
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} takes ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

export function registerJobs(program: Command, run: (fn: (ctx: Ctx) => Promise<number>) => Promise<void>): void {
  program
    .command('get')
    .description('show a job')
    .argument('<id>', 'job id')
    .action((jobId: string) =>
      run(async (ctx) => {
        const job = await ctx.sdk().jobs.get(jobId);
        if (ctx.out.mode !== 'human') ctx.out.json(job);
        else describeJob(ctx, job);
        return 0;
      }),
    );

  program
    .command('list')
    .description('list jobs, newest first')
    .option('--status <status>', 'queued, processing, completed, failed or cancelled')
    .option('--priority <priority>', 'low, normal, high or critical')
    .option('--source <source>', 'http, storage or scheduler')
    .option('--limit <n>', 'how many jobs (default 20)')
    .option('--all', 'every job, page after page')
    .action((flags: { status?: string; priority?: string; source?: string; limit?: string; all?: boolean }) =>
      run(async (ctx) => {
        if (flags.limit !== undefined && !/^[1-9]\d*$/.test(flags.limit)) throw new UsageError(`--limit takes a positive whole number, not "${flags.limit}"`);
        const want = flags.all ? Infinity : Number(flags.limit ?? 20);
        const params: ListParams = {
          status: oneOf('--status', flags.status, ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const),
          priority: oneOf('--priority', flags.priority, ['low', 'normal', 'high', 'critical'] as const),
          source: oneOf('--source', flags.source, ['http', 'storage', 'scheduler'] as const),
          limit: Math.min(100, want),
        };
        const jobs: JobSummary[] = [];
        for await (const job of ctx.sdk().jobs.list(params)) {
          if (jobs.length >= want) break;
          if (ctx.out.mode === 'jsonl') ctx.out.json(job);
          jobs.push(job);
        }
        if (ctx.out.mode === 'json') ctx.out.json(jobs);
        if (ctx.out.mode === 'human') {
          if (!jobs.length) ctx.out.note('no jobs');
          const rows = jobs.map((j) => [j.job_id, color.status(j.status), j.priority, j.created_at.replace(/\.\d+Z$/, 'Z'), j.prompt_preview.replace(/\s+/g, ' ').slice(0, 50)]);
          for (const line of table([['JOB', 'STATUS', 'PRIORITY', 'CREATED', 'PROMPT'].map((h) => color.dim(h)), ...rows])) ctx.out.line(line);
        }
        return 0;
      }),
    );

  program
    .command('watch')
    .description('live progress of a job until it ends; exits with its outcome')
    .argument('<id>', 'job id')
    .action((jobId: string) => run((ctx) => followJob(ctx, jobId, { live: true })));

  program
    .command('cancel')
    .description('cancel a job (a running turn is interrupted)')
    .argument('<id>', 'job id')
    .action((jobId: string) =>
      run(async (ctx) => {
        const job = await ctx.sdk().jobs.cancel(jobId);
        if (ctx.out.mode !== 'human') ctx.out.json(job);
        else ctx.out.line(job.status === 'cancelled' ? `job ${job.job_id} cancelled` : `job ${job.job_id} is stopping (cancel requested; status ${job.status})`);
        return 0;
      }),
    );
}
