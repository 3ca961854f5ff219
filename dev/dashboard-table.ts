// docs/OBSERVABILITY.md's table of the dashboard's charts, rendered from terraform/dashboard.json (the
// JSON Terraform deploys), so the doc says what the dashboard really shows.
//   node dist/dev/dashboard-table.js          rewrites the table between the doc's markers
//   node dist/dev/dashboard-table.js --check  exits 1 when the doc's table differs (a unit test does the same)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Aggregation { perSeriesAligner?: string; crossSeriesReducer?: string; groupByFields?: string[] }
interface DataSet {
  legendTemplate?: string;
  timeSeriesQuery: { prometheusQuery?: string; timeSeriesFilter?: { filter: string; aggregation?: Aggregation } };
}
interface Dashboard { mosaicLayout: { tiles: { widget: { title: string; xyChart: { dataSets: DataSet[]; yAxis?: { label?: string } } } }[] } }

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DASHBOARD_FILE = path.join(repoRoot, 'terraform/dashboard.json');
export const DOC_FILE = path.join(repoRoot, 'docs/OBSERVABILITY.md');
const START = '<!-- dashboard-table:start (dev/dashboard-table.ts writes this table from terraform/dashboard.json) -->';
const END = '<!-- dashboard-table:end -->';

const REDUCERS: Record<string, string> = { REDUCE_SUM: 'sum', REDUCE_MAX: 'max', REDUCE_PERCENTILE_50: 'p50', REDUCE_PERCENTILE_95: 'p95' };
const ALIGNERS: Record<string, string> = { ALIGN_SUM: 'per minute', ALIGN_DELTA: 'per minute', ALIGN_MAX: 'per minute' };
const PROMQL_USER_PREFIX = 'logging_googleapis_com:user_codex_jobs_';

/** The Monitoring metric type a dataset queries (PromQL names mapped back to it). */
export function metricOf(set: DataSet): string {
  const filter = set.timeSeriesQuery.timeSeriesFilter?.filter;
  if (filter) return /metric\.type="([^"]+)"/.exec(filter)?.[1] ?? '?';
  const name = /([a-z_]+:[a-z0-9_]+)/.exec(set.timeSeriesQuery.prometheusQuery ?? '')?.[1] ?? '?';
  return name.startsWith(PROMQL_USER_PREFIX) ? `logging.googleapis.com/user/codex_jobs/${name.slice(PROMQL_USER_PREFIX.length).replace(/_(sum|count|bucket)$/, '')}` : name;
}

function howOf(set: DataSet): string {
  if (set.timeSeriesQuery.prometheusQuery) return `PromQL \`${set.timeSeriesQuery.prometheusQuery.replace(/\|/g, '\\|')}\``;
  const f = set.timeSeriesQuery.timeSeriesFilter!;
  const a = f.aggregation ?? {};
  const by = (a.groupByFields ?? []).map((g) => g.replace(/^(metric|resource)\.label\./, '')).join(', ');
  const extra = f.filter.replace(/^metric\.type="[^"]+"( AND )?/, '').replace(/resource\.type="[^"]+"( AND )?/, '');
  return `${REDUCERS[a.crossSeriesReducer ?? ''] ?? a.crossSeriesReducer} ${ALIGNERS[a.perSeriesAligner ?? ''] ?? a.perSeriesAligner}${by ? ` by ${by}` : ''}${extra ? `; \`${extra}\`` : ''}`;
}

export function renderDashboardTable(dashboard: Dashboard): string {
  const lines = ['| # | chart | metric | series | unit |', '|---|---|---|---|---|'];
  dashboard.mosaicLayout.tiles.forEach((tile, i) => {
    const chart = tile.widget.xyChart;
    const metrics = [...new Set(chart.dataSets.map(metricOf))].map((m) => `\`${m}\``).join(', ');
    const how = [...new Set(chart.dataSets.map(howOf))].join('<br>');
    lines.push(`| ${i + 1} | ${tile.widget.title} | ${metrics} | ${how} | ${chart.yAxis?.label ?? ''} |`);
  });
  return lines.join('\n');
}

/** The doc with its table replaced by `table`; throws when the markers are missing. */
export function withTable(doc: string, table: string): string {
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${path.relative(repoRoot, DOC_FILE)} has no ${START} … ${END} markers`);
  return `${doc.slice(0, from + START.length)}\n${table}\n${doc.slice(to)}`;
}

function main(): number {
  const table = renderDashboardTable(JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard);
  const doc = readFileSync(DOC_FILE, 'utf8');
  const next = withTable(doc, table);
  if (process.argv.includes('--check')) {
    if (next === doc) return 0;
    console.error('docs/OBSERVABILITY.md: the table of charts differs from terraform/dashboard.json; run `node dist/dev/dashboard-table.js`');
    return 1;
  }
  writeFileSync(DOC_FILE, next);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
