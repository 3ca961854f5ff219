// submit: a JobRequest from flags (prompt as argument, -f FILE or stdin), a workspace from --dir or
// --git, then (with --wait or --follow) the outcome as the exit code. Also rerun, which shares the end.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { JobCreateRequest, SubmitResponse, WorkspaceRequest } from '../../sdk/types.js';
import type { Ctx } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { formatBytes } from '../output.js';
import { addDeliveryOptions, deliveryFrom, type DeliveryFlags } from './delivery-flags.js';
import { followJob } from './follow.js';

export interface SubmitFlags extends DeliveryFlags {
  file?: string;
  timeoutMs?: string;
  callbackUrl?: string;
  priority?: string;
  metadata?: string[];
  sessionId?: string;
  outputSchema?: string;
  maxTotalTokens?: string;
  dir?: string;
  git?: string;
  gitDepth?: string;
  uploadId?: string;
  env?: string;
  idempotencyKey?: string;
  wait?: boolean;
  follow?: boolean;
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} takes a whole number, not "${value}"`);
  return Number(value);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function promptFrom(words: string[], flags: SubmitFlags): Promise<string> {
  if (words.length && flags.file) throw new UsageError('give the prompt as an argument or with -f FILE, not both');
  if (flags.file === '-' || (!flags.file && !words.length && !process.stdin.isTTY)) return readStdin();
  if (flags.file) {
    try {
      return readFileSync(flags.file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read the prompt file ${flags.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (!words.length) throw new UsageError('no prompt: give it as an argument, with -f FILE, or on stdin');
  return words.join(' ');
}

function metadataFrom(pairs: string[] = []): Record<string, string> | undefined {
  if (!pairs.length) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--metadata takes KEY=VALUE, not "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function outputSchemaFrom(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch {
      throw new UsageError(`--output-schema takes a JSON Schema object or a file holding one; cannot read ${value}`);
    }
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UsageError('--output-schema is not a JSON object');
}

async function workspaceFrom(ctx: Ctx, flags: SubmitFlags): Promise<WorkspaceRequest | undefined> {
  const given = [flags.dir, flags.git, flags.uploadId].filter((v) => v !== undefined).length;
  if (given > 1) throw new UsageError('choose one workspace: --dir, --git or --upload-id');
  if (flags.uploadId) return { upload_id: flags.uploadId } as WorkspaceRequest;
  if (flags.git) {
    const hash = flags.git.lastIndexOf('#');
    const url = hash > 0 ? flags.git.slice(0, hash) : flags.git;
    const ref = hash > 0 ? flags.git.slice(hash + 1) : undefined;
    const depth = wholeNumber('--git-depth', flags.gitDepth);
    return { git: { url, ...(ref ? { ref } : {}), ...(depth !== undefined ? { depth } : {}) } } as WorkspaceRequest;
  }
  if (flags.dir) {
    ctx.out.note(`packing ${flags.dir} (honouring .gitignore)…`);
    const up = await ctx.sdk().uploads.create(flags.dir);
    ctx.out.note(`uploaded ${up.files.length} file(s), ${formatBytes(up.size_bytes)} as upload ${up.upload_id}${up.skipped.length ? ` (${up.skipped.length} link(s) or special file(s) left out)` : ''}`);
    return { upload_id: up.upload_id } as WorkspaceRequest;
  }
  return undefined;
}

/** After a job is queued: print its id (or JSON), or wait for it and exit with its outcome. */
async function afterQueued(ctx: Ctx, queued: SubmitResponse, flags: { wait?: boolean; follow?: boolean }, verb: string): Promise<number> {
  if (flags.wait || flags.follow) {
    ctx.out.note(`${verb} job ${queued.job_id}`);
    return followJob(ctx, queued.job_id, { live: Boolean(flags.follow) });
  }
  if (ctx.out.mode !== 'human') ctx.out.json(queued);
  else {
    ctx.out.line(queued.job_id);
    ctx.out.note(`${verb} job ${queued.job_id} (${queued.status}); follow it: codex-jobs watch ${queued.job_id}`);
  }
  return 0;
}

export function registerSubmit(program: Command, run: (fn: (ctx: Ctx) => Promise<number>) => Promise<void>): void {
  const submit = program
    .command('submit')
    .description('submit a job: the prompt as arguments, with -f FILE, or on stdin')
    .argument('[prompt...]', 'the prompt')
    .option('-f, --file <file>', 'read the prompt from a file (- for stdin)')
    .option('--timeout-ms <ms>', 'timeout_ms: how long the job may run')
    .option('--callback-url <url>', 'callback_url: a webhook for the result')
    .option('--priority <priority>', 'priority: low, normal, high or critical')
    .option('--metadata <key=value>', 'metadata entry (repeat for more)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--session-id <id>', 'session_id: continue that session')
    .option('--output-schema <json|file>', 'output_schema: a JSON Schema for the final message')
    .option('--max-total-tokens <n>', 'max_total_tokens: the token budget')
    .option('--dir <dir>', 'upload this folder (honouring .gitignore) as the workspace')
    .option('--git <url[#ref]>', 'start from this git repository (and branch, tag or commit)')
    .option('--git-depth <n>', 'history depth of --git (0 = full)')
    .option('--upload-id <id>', 'start from an upload made before')
    .option('--env <name>', 'environment: run with this environment of yours (codex-jobs env list)');
  addDeliveryOptions(submit)
    .option('--idempotency-key <key>', 'Idempotency-Key (default: a new one per call)')
    .option('--wait', 'wait for the job to end; exit with its outcome')
    .option('--follow', 'show live progress until the job ends; exit with its outcome')
    .action((words: string[], flags: SubmitFlags) =>
      run(async (ctx) => {
        const prompt = await promptFrom(words, flags);
        const priority = flags.priority as JobCreateRequest['priority'];
        if (priority !== undefined && !['low', 'normal', 'high', 'critical'].includes(priority)) throw new UsageError(`--priority takes low, normal, high or critical, not "${flags.priority}"`);
        const request: JobCreateRequest = {
          prompt,
          ...(flags.timeoutMs !== undefined ? { timeout_ms: wholeNumber('--timeout-ms', flags.timeoutMs) } : {}),
          ...(flags.callbackUrl ? { callback_url: flags.callbackUrl } : {}),
          ...(priority ? { priority } : {}),
          ...(flags.metadata ? { metadata: metadataFrom(flags.metadata) } : {}),
          ...(flags.sessionId ? { session_id: flags.sessionId } : {}),
          ...(flags.outputSchema !== undefined ? { output_schema: outputSchemaFrom(flags.outputSchema) } : {}),
          ...(flags.maxTotalTokens !== undefined ? { max_total_tokens: wholeNumber('--max-total-tokens', flags.maxTotalTokens) } : {}),
          ...(flags.env !== undefined ? { environment: flags.env } : {}),
        };
        const delivery = deliveryFrom(flags);
        if (delivery) request.delivery = delivery;
        const workspace = await workspaceFrom(ctx, flags);
        if (workspace) request.workspace = workspace;
        const queued = await ctx.sdk().jobs.create(request, { idempotencyKey: flags.idempotencyKey ?? randomUUID() });
        return afterQueued(ctx, queued, flags, 'queued');
      }),
    );

  program
    .command('rerun')
    .description('run a job again with the same request and workspace input')
    .argument('<id>', 'job id')
    .option('--idempotency-key <key>', 'Idempotency-Key (default: a new one per call)')
    .option('--wait', 'wait for the new job to end; exit with its outcome')
    .option('--follow', 'show live progress of the new job; exit with its outcome')
    .action((jobId: string, flags: { idempotencyKey?: string; wait?: boolean; follow?: boolean }) =>
      run(async (ctx) => afterQueued(ctx, await ctx.sdk().jobs.rerun(jobId, { idempotencyKey: flags.idempotencyKey }), flags, 'rerun as')),
    );
}
