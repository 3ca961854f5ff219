// The short pass of the hostile suite (npm run hostile runs the long one): every entry point that
// takes untrusted bytes answers each generated input without a 5xx, a crash or a hang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countsTable, runHostile } from '../../hostile/hostile-run.js';

test('hostile inputs at every entry point: no 5xx, no crash, no hang', async () => {
  const rows = await runHostile(Number(process.env.HOSTILE_SHORT_RUNS ?? 60));
  for (const r of rows) {
    assert.ok(r.inputs > 0, r.entry);
    assert.deepEqual([r.fiveXx, r.crashes, r.hangs], [0, 0, 0], `${r.entry}: ${r.firstProblem ?? ''}\n${countsTable(rows)}`);
  }
});
