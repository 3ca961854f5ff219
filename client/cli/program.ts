// The codex-jobs command line (commander): one verb per file; the global flags are taken before or
// after the verb (`codex-jobs -o json get ID` and `codex-jobs get ID -o json`), as kubectl and temporal
// take theirs.
import { Command, Option } from 'commander';
import { SDK_VERSION } from '../sdk/codex-jobs.js';
import { registerChanges } from './commands/changes.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEnv } from './commands/env.js';
import { registerJobs } from './commands/jobs.js';
import { registerOutputs } from './commands/outputs.js';
import { registerServer } from './commands/server.js';
import { registerSubmit } from './commands/submit.js';
import { registerUsage } from './commands/usage.js';
import { makeCtx, type Ctx } from './context.js';

export type Runner = (fn: (ctx: Ctx) => Promise<number>) => Promise<void>;

/** The global flags, made anew for each command that takes them (commander keeps one Option per command). */
function globalFlags(): Option[] {
  return [
    new Option('--url <url>', 'API URL (env CODEX_JOBS_URL; default: the local stack, http://127.0.0.1:8080)'),
    new Option('--key <key>', 'API key (env CODEX_JOBS_API_KEY)'),
    new Option('--profile <name>', 'profile of ~/.config/codex-jobs/config.json (env CODEX_JOBS_PROFILE; default "default")'),
    new Option('-o, --output <mode>', 'json or jsonl for scripts (default: human text)'),
    new Option('--debug', 'show stack traces of errors'),
  ];
}
const GLOBAL_KEYS = ['url', 'key', 'profile', 'output', 'debug'] as const;

/** The global flags given before the verb, then after it: the later one wins, as the last flag does. */
function globalFlagValues(program: Command, verb: Command | undefined): Ctx['flags'] {
  // From the program down to the verb (`env list` has `env` between them): the later flag wins.
  const chain: Command[] = [];
  for (let c: Command | null | undefined = verb; c && c !== program; c = c.parent) chain.unshift(c);
  const flags: Record<string, unknown> = {};
  for (const c of [program, ...chain]) {
    const opts = c.opts<Record<string, unknown>>();
    for (const k of GLOBAL_KEYS) if (opts[k] !== undefined) flags[k] = opts[k];
  }
  return flags as Ctx['flags'];
}

export function buildProgram(onResult: (code: number) => void, onError: (err: unknown, ctx: Ctx | undefined) => void): Command {
  const program = new Command('codex-jobs')
    .description('Run Codex jobs on a codex-jobs API from the terminal')
    .version(SDK_VERSION, '-v, --version')
    // Positional: what follows the verb is the verb's to parse (so `--` still ends its options); each
    // verb takes the global flags itself (below).
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    // One line per usage error, in the CLI's own voice.
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error: ') ? `codex-jobs: ${s.slice('error: '.length)}` : s) });
  for (const flag of globalFlags()) program.addOption(flag);

  let verb: Command | undefined;
  program.hook('preAction', (_program, action) => void (verb = action));
  const run: Runner = async (fn) => {
    let ctx: Ctx | undefined;
    try {
      ctx = makeCtx(globalFlagValues(program, verb));
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
  registerEnv(program, run);
  registerUsage(program, run);
  // Every verb, and every verb under a verb (`env list`), takes the global flags itself.
  const withGlobals = (cmd: Command): void => {
    for (const flag of globalFlags()) cmd.addOption(flag.helpGroup('Global options:'));
    cmd.exitOverride();
    for (const sub of cmd.commands) withGlobals(sub);
  };
  for (const cmd of program.commands) withGlobals(cmd);
  return program;
}
