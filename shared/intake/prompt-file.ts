// A dropped prompt file (or a prompt entry of an archive) → a validated JobRequest, or the message
// that tells the uploader why it cannot run. The same zod schema as POST /jobs validates it.
import { intakeEnvironmentProblem } from './intake-environment.js';
import { describeIssues, jobRequestSchema, type JobRequest } from '../jobs/job-request.js';
import type { TimeoutLimits } from '../jobs/job-lane.js';
import { defaultTimeoutForSize } from './intake-limits.js';
import { FrontMatterError, splitFrontMatter } from './front-matter.js';

const PROMPT_SUFFIXES = ['.codex', '.prompt'];

export function isPromptFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return PROMPT_SUFFIXES.some((s) => lower.endsWith(s) && lower.length > s.length && !lower.endsWith('/' + s));
}

export interface PromptFileContext {
  /** How messages name the file: `prompts/a.prompt`, or `drop.zip: dir/a.prompt` for an entry. */
  label: string;
  /** Metadata the intake sets (source, original_filename, bucket, …); it wins over front matter keys. */
  metadata: Record<string, string>;
  maxTimeoutMs: number;
  /** The lanes' ceilings (long lane included) that front matter is checked against; default: maxTimeoutMs alone. */
  timeoutLimits?: TimeoutLimits;
}

export type PromptFileOutcome = { ok: true; request: JobRequest } | { ok: false; message: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function promptFileRequest(bytes: Uint8Array, ctx: PromptFileContext): PromptFileOutcome {
  const fail = (message: string): PromptFileOutcome => ({ ok: false, message: `${ctx.label}: ${message}` });
  if (bytes.length === 0) return fail('the file is empty; write the prompt into it');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('the file is not UTF-8 text; save the prompt as UTF-8');
  }
  if (text.trim() === '') return fail('the file holds only whitespace; write the prompt into it');
  let split;
  try {
    split = splitFrontMatter(text);
  } catch (err) {
    if (err instanceof FrontMatterError) return fail(err.message);
    throw err;
  }
  const frontMatter = split.frontMatter ?? {};
  if ('prompt' in frontMatter) return fail('front matter: prompt: the prompt is the text after the front matter; remove this key');
  if (split.body.trim() === '') return fail('the file has front matter but no prompt text after it');
  const userMetadata = frontMatter.metadata;
  const metadata = isPlainObject(userMetadata) ? { ...userMetadata, ...ctx.metadata } : userMetadata === undefined ? ctx.metadata : userMetadata;
  const input = {
    priority: 'low',
    timeout_ms: defaultTimeoutForSize(bytes.length, ctx.maxTimeoutMs),
    ...frontMatter,
    metadata,
    prompt: split.body,
  };
  const parsed = jobRequestSchema(ctx.timeoutLimits ?? ctx.maxTimeoutMs).safeParse(input);
  if (!parsed.success) return fail(`invalid job options: ${describeIssues(parsed.error).map((d) => d.message).join('; ')}`);
  const envProblem = intakeEnvironmentProblem(parsed.data);
  if (envProblem) return fail(`invalid job options: ${envProblem}`);
  return { ok: true, request: parsed.data };
}

export function oversizeMessage(label: string, limitBytes: number): string {
  return `${label}: the file is larger than ${limitBytes} bytes (${limitBytes / (1024 * 1024)} MiB); a prompt is at most 100 000 characters`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
