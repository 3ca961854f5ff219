// What a turn's outcome means for the job: its terminal status, error and exit code.
import type { TurnOutcome } from '../codex/run-turn.js';
import type { JobDocument } from '../jobs/job-document.js';
import type { JobErrorInfo } from '../jobs/job-error.js';
import { checkOutputSchema } from './output-schema-check.js';

export type TerminalStatus = 'completed' | 'failed' | 'cancelled';

export interface Verdict {
  status: TerminalStatus;
  error: JobErrorInfo | null;
  structured?: unknown;
}

const EXIT_CODES = { completed: 0, failed: 1, timeout: 124, cancel: 130, budget: 2, lease: 137 } as const;

export function verdict(job: Pick<JobDocument, 'max_total_tokens' | 'timeout_ms' | 'output_schema'>, outcome: TurnOutcome): Verdict {
  if (outcome.status === 'stopped') {
    if (outcome.stop === 'cancel') return { status: 'cancelled', error: null };
    if (outcome.stop === 'budget') {
      return { status: 'failed', error: { code: 'budget_exceeded', message: `the turn used ${outcome.usage.total_tokens} tokens, over max_total_tokens ${job.max_total_tokens}` } };
    }
    return { status: 'failed', error: { code: 'timeout', message: `the job ran past its timeout_ms of ${job.timeout_ms} ms and was stopped` } };
  }
  if (outcome.status === 'failed') return { status: 'failed', error: { code: 'codex_error', message: outcome.errorMessage ?? 'the Codex turn failed' } };
  if (job.output_schema) {
    const checked = checkOutputSchema(job.output_schema, outcome.finalMessage);
    if (!checked.ok) return { status: 'failed', error: { code: 'codex_error', message: checked.message } };
    return { status: 'completed', error: null, structured: checked.value };
  }
  return { status: 'completed', error: null };
}

export function exitCodeOf(outcome: TurnOutcome, v: Verdict): number {
  return outcome.status === 'stopped' ? EXIT_CODES[outcome.stop ?? 'cancel'] : EXIT_CODES[v.status === 'completed' ? 'completed' : 'failed'];
}
