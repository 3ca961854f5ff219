// `npm run hostile`: the full hostile pass (HOSTILE_RUNS inputs per entry point, default 2000).
// Exits non-zero when any input made a 5xx, a crash or a hang.
import { countsTable, runHostile } from './hostile-run.js';

const runs = Number(process.env.HOSTILE_RUNS ?? 2000);
const rows = await runHostile(runs);
console.log(countsTable(rows));
for (const r of rows) if (r.firstProblem) console.log(`${r.entry}: ${r.firstProblem}`);
process.exitCode = rows.some((r) => r.fiveXx + r.crashes + r.hangs > 0) ? 1 : 0;
