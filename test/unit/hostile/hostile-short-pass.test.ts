// The short pass of the hostile suite (npm run hostile runs the long one): every entry point that
// takes untrusted bytes answers each generated input without a 5xx, a crash, a hang or a wrong
// answer. The HTTP entry points (served API, a few requests per input) take fewer inputs here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countsTable, runHostile } from '../../hostile/hostile-run.js';

test('hostile inputs at every entry point: no 5xx, no crash, no hang, no wrong answer', async () => {
  const runs = Number(process.env.HOSTILE_SHORT_RUNS ?? 60);
  const rows = await runHostile(runs, { runsFor: (e) => (e.open ? Math.ceil(runs / 3) : runs) });
  for (const r of rows) {
    assert.ok(r.inputs > 0, r.entry);
    assert.deepEqual([r.fiveXx, r.crashes, r.hangs, r.wrong], [0, 0, 0, 0], `${r.entry}: ${r.firstProblem ?? ''}\n${countsTable(rows)}`);
  }
});
