// The GCP runtime is nodejs22: after the main run (on the machine's Node), the unit and integration
// tests run again on Node 22, fetched from the npm registry by npx (cached after the first time).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major === 22) {
  console.log('already on Node 22: the main run covered it');
  process.exit(0);
}
const runner = path.join(path.dirname(fileURLToPath(import.meta.url)), 'run-tests.js');
console.log(`\n== unit and integration tests again on Node 22 (this run used Node ${process.versions.node})`);
const r = spawnSync('npx', ['-y', '-p', 'node@22', 'node', runner, 'unit', 'integration'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
