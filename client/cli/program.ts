// The codex-jobs command line (commander): global flags before the verb, one verb per file.
import { Command } from 'commander';
import { SDK_VERSION } from '../sdk/codex-jobs.js';
import { registerChanges } from './commands/changes.js';
import { registerDoctor } from './commands/doctor.js';
import { registerJobs } from './commands/jobs.js';
import { registerOutputs } from './commands/outputs.js';
import { registerServer } from './commands/server.js';
import { registerSubmit } from './commands/submit.js';
import { registerUsage } from './commands/usage.js';
import { makeCtx, type Ctx } from './context.js';

export type Runner = (fn: (ctx: Ctx) => Promise<number>) => Promise<void>;

export function buildProgram(onResult: (code: number) => void, onError: (err: unknown, ctx: Ctx | undefined) => void): Command {
  const program = new Command('codex-jobs')
    .description('Run Codex jobs on a codex-jobs API from the terminal')
    .version(SDK_VERSION, '-v, --version')
    .option('--url <url>', 'API URL (env CODEX_JOBS_URL; default: the local stack, http://127.0.0.1:8080)')
    .option('--key <key>', 'API key (env CODEX_JOBS_API_KEY)')
    .option('--profile <name>', 'profile of ~/.config/codex-jobs/config.json (env CODEX_JOBS_PROFILE; default "default")')
    .option('-o, --output <mode>', 'json or jsonl for scripts (default: human text)')
    .option('--debug', 'show stack traces of errors')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    // One line per usage error, in the CLI's own voice.
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error: ') ? `codex-jobs: ${s.slice('error: '.length)}` : s) });

  const run: Runner = async (fn) => {
    let ctx: Ctx | undefined;
    try {
      ctx = makeCtx(program.opts());
      onResult(await fn(ctx));
    } catch (err) {
      onError(err, ctx);
    }
  };
  registerSubmit(program, run);
  registerJobs(program, run);
  registerOutputs(program, run);
  registerChanges(program, run);
  registerServer(program, run);
  registerDoctor(program, run);
  registerUsage(program, run);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}
