// `npm test` after build and lint: starts the emulators once on free ports, runs every test file
// with node's test runner against them, and stops them after, whatever happened.
// Arguments filter the files: `node dist/test/support/run-tests.js unit integration/cancel`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAllSync, stopAll } from '../../dev/child-processes.js';
import { startEmulators } from '../../dev/emulator-set.js';

// No metadata server exists off GCP: skip the lookup (and its warning) in this process.
process.env.METADATA_SERVER_DETECTION ??= 'none';

const testRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith('.test.js') ? [full] : [];
  });
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = testFiles(testRoot)
    .filter((f) => filters.length === 0 || filters.some((flt) => path.relative(testRoot, f).includes(flt)))
    .sort();
  if (files.length === 0) {
    console.error(`no test files match ${filters.join(' ')}`);
    return 1;
  }
  const started = Date.now();
  const emulators = await startEmulators((line) => console.log(line));
  console.log(`emulators up in ${Date.now() - started} ms (${Object.values(emulators.hosts).join(', ')}); running ${files.length} test files`);
  const env = { ...process.env, ...emulators.env };
  const concurrency = process.env.TEST_CONCURRENCY ?? '2';
  const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { env, stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  console.log(`test run finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

process.on('exit', killAllSync);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void stopAll().then(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await stopAll();
    process.exit(code);
  },
  async (err: Error) => {
    console.error(err.message);
    await stopAll();
    process.exit(1);
  },
);
