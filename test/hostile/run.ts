// `npm run hostile`: the full hostile pass (HOSTILE_RUNS inputs per entry point, default 2000;
// HOSTILE_ONLY=text runs only the entry points whose name contains it).
// The HTTP entry points need the emulators: started here when the environment names none.
// Exits non-zero when any input made a 5xx, a crash, a hang or a wrong answer.
import { killAllSync } from '../../dev/child-processes.js';
import { startEmulators } from '../../dev/emulator-set.js';
import { countsTable, hasProblems, runHostile } from './hostile-run.js';

process.env.METADATA_SERVER_DETECTION ??= 'none';
process.on('exit', killAllSync);
const emulators = process.env.FIRESTORE_EMULATOR_HOST ? undefined : await startEmulators();
if (emulators) Object.assign(process.env, emulators.env);
const runs = Number(process.env.HOSTILE_RUNS ?? 2000);
try {
  const rows = await runHostile(runs, { ...(process.env.HOSTILE_ONLY ? { only: process.env.HOSTILE_ONLY } : {}) });
  console.log(countsTable(rows));
  for (const r of rows) if (r.firstProblem) console.log(`${r.entry}: ${r.firstProblem}`);
  process.exitCode = rows.some(hasProblems) ? 1 : 0;
} finally {
  await emulators?.stop();
}
