// env put|list|get|rm: the caller's environments (docs/ENVIRONMENTS.md). `env put NAME -f env.yaml`
// reads an EnvironmentSpec from YAML or JSON (YAML is a superset of JSON); `--secret NAME` takes a
// secret's value from this shell's variable of that name, so it need not sit in the file.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { EnvironmentSpecInput, EnvironmentView } from '../../sdk/environments-api.js';
import type { Ctx } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { color, table } from '../output.js';

type Run = (fn: (ctx: Ctx) => Promise<number>) => Promise<void>;

async function readSource(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The spec of a YAML or JSON file, with the --secret values added. */
export async function specFromFile(file: string, secrets: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<EnvironmentSpecInput> {
  let spec: unknown;
  try {
    spec = parseYaml(await readSource(file));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file} is not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (spec === null || spec === undefined) spec = {};
  if (typeof spec !== 'object' || Array.isArray(spec)) throw new UsageError(`${file} must hold a mapping (setup, cache, env, secrets, network)`);
  const given = spec as Record<string, unknown>;
  if (!secrets.length) return given as EnvironmentSpecInput;
  const values: Record<string, unknown> = { ...((given.secrets as Record<string, unknown> | undefined) ?? {}) };
  for (const entry of secrets) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq) : entry;
    const value = eq > 0 ? entry.slice(eq + 1) : env[entry];
    if (value === undefined || value === '') throw new UsageError(`--secret ${name}: ${eq > 0 ? 'the value is empty' : `the variable ${name} is not set in this shell`}`);
    values[name] = value;
  }
  return { ...given, secrets: values } as EnvironmentSpecInput;
}

function policyText(policy: unknown): string {
  if (policy === undefined) return '';
  if (typeof policy === 'string') return policy;
  const p = policy as { allow?: string[]; methods?: string[] };
  return `allow ${(p.allow ?? []).join(',') || '(none)'}${p.methods ? ` [${p.methods.join(',')}]` : ''}`;
}

/** setup "on" and agent "off" unless the spec says otherwise (the contract's defaults). */
export function networkSummary(env: Pick<EnvironmentView, 'network'>): string {
  return `setup ${policyText(env.network.setup ?? 'on')} · agent ${policyText(env.network.agent ?? 'off')}`;
}

export function firstLine(script: string): string {
  const line = script.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

function describe(ctx: Ctx, env: EnvironmentView): void {
  ctx.out.line(color.bold(env.name));
  const rows: string[][] = [
    ['setup', firstLine(env.setup) || color.dim('(none)')],
    ...(env.maintenance ? [['maintenance', firstLine(env.maintenance)]] : []),
    ...(env.cache ? [['cache', `${env.cache.paths.join(', ')}${env.cache.key_files.length ? ` (key: ${env.cache.key_files.join(', ')})` : ''}`]] : []),
    ['env', Object.keys(env.env).join(', ') || color.dim('(none)')],
    ['secrets', env.secrets.join(', ') || color.dim('(none)')],
    ['network', networkSummary(env)],
    ['updated', env.updated_at],
  ];
  for (const line of table(rows.map(([k, v]) => [color.dim(k!), v!]))) ctx.out.line(`  ${line}`);
}

export function registerEnv(program: Command, run: Run): void {
  const env = program.command('env').description('your environments: setup, cache, variables, secrets and network policy of a job');

  env
    .command('put')
    .description('create or replace an environment from a YAML or JSON file')
    .argument('<name>', 'environment name ([a-z0-9][a-z0-9-]{0,62})')
    .requiredOption('-f, --file <file>', 'the EnvironmentSpec, YAML or JSON (- for stdin)')
    .option('--secret <NAME[=VALUE]>', 'a secret; without =VALUE, from the shell variable NAME (repeat for more)', (v: string, prev: string[] = []) => [...prev, v])
    .action((name: string, flags: { file: string; secret?: string[] }) =>
      run(async (ctx) => {
        const spec = await specFromFile(flags.file, flags.secret);
        const saved = await ctx.sdk().environments.put(name, spec);
        const { created, ...view } = saved;
        if (ctx.out.mode !== 'human') ctx.out.json(view);
        else {
          ctx.out.note(`${created ? 'created' : 'replaced'} environment ${name}`);
          describe(ctx, view);
        }
        return 0;
      }),
    );

  env
    .command('list')
    .alias('ls')
    .description('your environments')
    .action(() =>
      run(async (ctx) => {
        const all = await ctx.sdk().environments.list();
        if (ctx.out.mode === 'json') ctx.out.json({ environments: all });
        else if (ctx.out.mode === 'jsonl') for (const e of all) ctx.out.json(e);
        else if (!all.length) ctx.out.note('no environments yet: codex-jobs env put NAME -f env.yaml');
        else {
          const rows = [['NAME', 'SETUP', 'SECRETS', 'NETWORK'].map((h) => color.dim(h)), ...all.map((e) => [e.name, firstLine(e.setup), e.secrets.join(',') || '-', networkSummary(e)])];
          for (const line of table(rows)) ctx.out.line(line);
        }
        return 0;
      }),
    );

  env
    .command('get')
    .description('one environment (secrets by name only)')
    .argument('<name>', 'environment name')
    .action((name: string) =>
      run(async (ctx) => {
        const found = await ctx.sdk().environments.get(name);
        if (ctx.out.mode !== 'human') ctx.out.json(found);
        else describe(ctx, found);
        return 0;
      }),
    );

  env
    .command('rm')
    .alias('delete')
    .description('delete an environment (queued jobs keep their copy)')
    .argument('<name>', 'environment name')
    .action((name: string) =>
      run(async (ctx) => {
        await ctx.sdk().environments.delete(name);
        if (ctx.out.mode !== 'human') ctx.out.json({ deleted: name });
        else ctx.out.note(`deleted environment ${name}`);
        return 0;
      }),
    );
}
