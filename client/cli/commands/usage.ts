// codex-jobs usage [--from --to] [--owner]: tokens, cost and run time per UTC day, and the quotas.
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { color, table } from '../output.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function registerUsage(program: Command, run: (fn: (ctx: Ctx) => Promise<number>) => Promise<void>): void {
  program
    .command('usage')
    .description('tokens, cost and run time per UTC day, and your quotas with what remains')
    .option('--from <date>', 'first UTC day, YYYY-MM-DD (default: 29 days before --to)')
    .option('--to <date>', 'last UTC day, YYYY-MM-DD (default: today)')
    .option('--owner <name>', 'admins: a key name, or * for every owner')
    .action((o: { from?: string; to?: string; owner?: string }) =>
      run(async (ctx) => {
        for (const [flag, v] of [['--from', o.from], ['--to', o.to]] as const) if (v !== undefined && !DATE.test(v)) throw new UsageError(`${flag} takes a date YYYY-MM-DD, not "${v}"`);
        const report = await ctx.sdk().usage.get({ from: o.from, to: o.to, owner: o.owner });
        if (ctx.out.mode !== 'human') {
          ctx.out.json(report);
          return 0;
        }
        const used = report.days.filter((d) => d.jobs > 0);
        ctx.out.line(`usage of ${report.owner}: ${report.totals.jobs} job(s), ${report.totals.total_tokens} tokens, $${report.totals.cost_usd.toFixed(6)}, ${report.totals.run_seconds} s`);
        const rows = [['date', 'jobs', 'input', 'cached', 'output', 'total', 'cost_usd', 'run_s'].map(color.dim)];
        for (const d of used) rows.push([d.date, String(d.jobs), String(d.input_tokens), String(d.cached_input_tokens), String(d.output_tokens), String(d.total_tokens), d.cost_usd.toFixed(6), String(d.run_seconds)]);
        if (used.length) for (const line of table(rows)) ctx.out.line(line);
        for (const [name, q] of Object.entries(report.quotas)) {
          if (!q) continue;
          ctx.out.line(`${color.dim(name)} ${q.used}/${q.limit}, ${q.remaining} left${q.resets_at ? ` (resets ${q.resets_at})` : ''}`);
        }
        return 0;
      }),
    );
}
