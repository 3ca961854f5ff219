#!/usr/bin/env node
// codex-jobs: the entry point. Runs the verb, prints every error as one line (a stack only with
// --debug) and exits with the contract's code.
import { CommanderError } from 'commander';
import { CodexJobsError } from '../sdk/errors.js';
import { EXIT, ExitWith, exitCodeForError } from './exit-codes.js';
import { buildProgram } from './program.js';
import type { Ctx } from './context.js';

function hint(err: CodexJobsError): string {
  if (err.code === 'unauthorized') return ' (check --key / CODEX_JOBS_API_KEY / the profile\'s api_key)';
  if (err.code === 'network' || err.code === 'timeout') return ' (is the API running? check --url / CODEX_JOBS_URL, or run codex-jobs doctor)';
  return '';
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.completed;
  const debug = argv.includes('--debug');
  const program = buildProgram(
    (c) => (code = c),
    (err: unknown, ctx: Ctx | undefined) => {
      code = exitCodeForError(err);
      if (err instanceof ExitWith) return;
      const message = err instanceof CodexJobsError ? `${err.message}${hint(err)}` : (err as Error).message;
      const details = err instanceof CodexJobsError && err.details.length > 1 ? ` [${err.details.map((d) => d.message).join('; ')}]` : '';
      process.stderr.write(`codex-jobs: ${message.split('\n')[0]}${details}\n`);
      if (ctx?.out.mode === 'json' || ctx?.out.mode === 'jsonl') {
        const e = err instanceof CodexJobsError ? { code: err.code, message: err.message, status: err.status, details: err.details, request_id: err.requestId } : { code: code === EXIT.usage ? 'usage' : 'error', message };
        process.stdout.write(`${JSON.stringify({ error: e })}\n`);
      }
      if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    },
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT.usage;
    throw err;
  }
  return code;
}

const code = await main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`codex-jobs: ${(err as Error).message}\n`);
  return EXIT.failed;
});
// Flush stdout before leaving: piped output must not be cut.
process.stdout.write('', () => process.exit(code));
