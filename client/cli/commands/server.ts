// stats and health.
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { color, table } from '../output.js';

export function registerServer(program: Command, run: (fn: (ctx: Ctx) => Promise<number>) => Promise<void>): void {
  program
    .command('stats')
    .description('job counts per status, priority and source')
    .action(() =>
      run(async (ctx) => {
        const stats = await ctx.sdk().stats();
        if (ctx.out.mode !== 'human') {
          ctx.out.json(stats);
          return 0;
        }
        ctx.out.line(`${stats.total} job(s)${stats.scope === 'owner' ? ` of ${stats.owner}` : ''}`);
        const group = (name: string, counts: Record<string, number>) => [color.dim(name), Object.entries(counts).map(([k, v]) => `${k} ${v}`).join('  ')];
        for (const line of table([group('status', stats.by_status), group('priority', stats.by_priority), group('source', stats.by_source)])) ctx.out.line(line);
        return 0;
      }),
    );

  program
    .command('health')
    .description('the API and its dependencies (no key needed); exit 1 when unhealthy')
    .action(() =>
      run(async (ctx) => {
        const health = await ctx.sdk({ needKey: false }).health();
        const { server_date: _date, ...body } = health;
        if (ctx.out.mode !== 'human') ctx.out.json(body);
        else ctx.out.line(`${health.status === 'healthy' ? color.green('healthy') : color.red(health.status)} · version ${health.version} · firestore ${health.checks.firestore} · pubsub ${health.checks.pubsub}`);
        return health.status === 'healthy' ? 0 : 1;
      }),
    );
}
