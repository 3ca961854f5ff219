// doctor: is the CLI set up to work? The config in use, the URL, the key, the clock against the
// server's Date header and the versions — one line each, saying what is wrong and what to do.
import type { Command } from 'commander';
import { CodexJobsError } from '../../sdk/errors.js';
import { SDK_VERSION } from '../../sdk/codex-jobs.js';
import type { Ctx } from '../context.js';
import { EXIT, exitCodeForError } from '../exit-codes.js';
import { color } from '../output.js';

/** Skew beyond this breaks webhook timestamps (5 min tolerance) long before; warn early. */
const MAX_SKEW_MS = 30_000;

interface Check {
  name: string;
  ok: boolean;
  warn?: boolean;
  message: string;
}

export function registerDoctor(program: Command, run: (fn: (ctx: Ctx) => Promise<number>) => Promise<void>): void {
  program
    .command('doctor')
    .description('check the URL, the key, the clock and the versions')
    .action(() =>
      run(async (ctx) => {
        const checks: Check[] = [];
        let exit: number = EXIT.completed;
        const config = ctx.config({ needKey: false });
        checks.push({ name: 'config', ok: true, message: `url ${config.url} (from ${config.from.url}); key from ${config.from.key}; profile file ${config.file}` });
        const sdk = ctx.sdk({ needKey: false });
        const sent = Date.now();
        let health: Awaited<ReturnType<typeof sdk.health>> | undefined;
        try {
          health = await sdk.health();
          const received = Date.now();
          checks.push({ name: 'url', ok: true, message: `${config.url} answers (${received - sent} ms)` });
          const ok = health.status === 'healthy';
          if (!ok) exit = EXIT.failed;
          checks.push({ name: 'server', ok, message: ok ? `healthy (firestore ${health.checks.firestore}, pubsub ${health.checks.pubsub})` : `unhealthy: firestore ${health.checks.firestore}; pubsub ${health.checks.pubsub}` });
          if (health.server_date) {
            // Date has a 1 s resolution: compare with the middle of the round trip.
            const skew = (sent + received) / 2 - Date.parse(health.server_date);
            const bad = Math.abs(skew) > MAX_SKEW_MS;
            if (bad && exit === EXIT.completed) exit = EXIT.failed;
            checks.push({ name: 'clock', ok: !bad, message: bad ? `this machine's clock is ${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'ahead of' : 'behind'} the server: set the time (e.g. enable NTP)` : `in step with the server (within ${Math.max(1, Math.round(Math.abs(skew) / 1000))} s)` });
          } else {
            checks.push({ name: 'clock', ok: true, warn: true, message: 'the server sent no Date header: clock not checked' });
          }
          const same = health.version === SDK_VERSION;
          checks.push({ name: 'versions', ok: true, warn: !same, message: same ? `server ${health.version}, cli ${SDK_VERSION}` : `server ${health.version}, cli ${SDK_VERSION}: they differ; update the one that is older` });
        } catch (err) {
          exit = exitCodeForError(err);
          checks.push({ name: 'url', ok: false, message: `${(err as Error).message}: check --url / CODEX_JOBS_URL, or start the local stack with npm start` });
        }
        if (health) {
          if (!config.apiKey) {
            exit = EXIT.usage;
            checks.push({ name: 'key', ok: false, message: `no API key: pass --key, set CODEX_JOBS_API_KEY or add "api_key" to profile "${config.profile}" in ${config.file}` });
          } else {
            try {
              await sdk.stats();
              checks.push({ name: 'key', ok: true, message: `accepted (from ${config.from.key})` });
            } catch (err) {
              const rejected = err instanceof CodexJobsError && (err.code === 'unauthorized' || err.code === 'forbidden');
              if (exit === EXIT.completed || rejected) exit = exitCodeForError(err);
              checks.push({ name: 'key', ok: false, message: rejected ? `the key from ${config.from.key} is not accepted by ${config.url}: use a key from the server's API_KEYS` : (err as Error).message });
            }
          }
        }
        if (ctx.out.mode !== 'human') ctx.out.json({ ok: checks.every((c) => c.ok), checks });
        else for (const c of checks) ctx.out.line(`${c.ok ? (c.warn ? color.yellow('!') : color.green('✓')) : color.red('✗')} ${c.name.padEnd(8)} ${c.message}`);
        return exit;
      }),
    );
}
