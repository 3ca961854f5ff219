// docs/OBSERVABILITY.md's table of charts is the dashboard Terraform deploys (terraform/dashboard.json),
// rendered by dev/dashboard-table.ts; and every chart's metric is one log-metrics.tf defines or a
// built-in Pub/Sub or Cloud Run metric (terraform/tests/monitoring.tftest.hcl checks the planned JSON too).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DASHBOARD_FILE, DOC_FILE, metricOf, renderDashboardTable, withTable } from '../../../dev/dashboard-table.js';
import { loadTerraform } from './terraform-config.js';

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Parameters<typeof renderDashboardTable>[0];

describe('the observability doc and the dashboard', () => {
  it('the doc’s table of charts is rendered from terraform/dashboard.json (node dist/dev/dashboard-table.js)', () => {
    const doc = readFileSync(DOC_FILE, 'utf8');
    const table = renderDashboardTable(dashboard);
    assert.equal(withTable(doc, table), doc, 'run `npm run build && node dist/dev/dashboard-table.js`');
    assert.equal(table.split('\n').length, 2 + dashboard.mosaicLayout.tiles.length, 'one row per chart');
  });

  it('every chart’s metric is a log-based metric of log-metrics.tf or an allowed built-in', async () => {
    const tf = await loadTerraform();
    const defined = Object.keys(tf.locals.log_metrics as Record<string, unknown>).map((name) => `logging.googleapis.com/user/codex_jobs/${name}`);
    const builtIn = /^(pubsub\.googleapis\.com\/subscription\/(num_undelivered_messages|oldest_unacked_message_age|dead_letter_message_count)|run\.googleapis\.com\/request_count)$/;
    const used = dashboard.mosaicLayout.tiles.flatMap((t) => t.widget.xyChart.dataSets.map(metricOf));
    for (const m of used) assert.ok(defined.includes(m) || builtIn.test(m), `${m} is neither defined nor allowed`);
    assert.deepEqual([...new Set(used.filter((m) => m.startsWith('logging.')))].sort(), defined.sort(), 'every log-based metric is charted');
  });
});
