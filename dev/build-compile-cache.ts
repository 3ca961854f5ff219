// Last step of `npm run build`: fills dist/compile-cache with V8's code for each function as its cold
// start loads it (dist/functions/index.js with FUNCTION_TARGET: the bundle and the Google Cloud
// clients), by loading each target once in a child process that points nowhere (dead emulator ports,
// no metadata server). Node keys an entry by the file's absolute path and contents and by the Node
// version, so the cache serves where the build ran at the same path: the image, which builds in /app
// and runs from /app on the same node:22 base. Node 20 has no compile cache: the step says so and
// leaves nothing.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = path.join(root, 'dist/compile-cache');
const TARGETS = ['enqueue', 'processor', 'storage-trigger', 'scheduler', 'notifier', 'sweeper'];
const TIMEOUT_MS = 60_000;

// Loads the entry, then flushes (Node writes the cache at exit; flushCompileCache where it exists).
const LOADER = `
import module from 'node:module';
try { await import(process.argv[1]); } catch {}
module.flushCompileCache?.();
process.exit(0);
`;

function warm(target: string): Promise<void> {
  const env = {
    ...process.env,
    FUNCTION_TARGET: target,
    GOOGLE_CLOUD_PROJECT: 'compile-cache',
    FIRESTORE_EMULATOR_HOST: '127.0.0.1:9',
    PUBSUB_EMULATOR_HOST: '127.0.0.1:9',
    STORAGE_EMULATOR_HOST: 'http://127.0.0.1:9',
    METADATA_SERVER_DETECTION: 'none',
    LOG_LEVEL: 'ERROR',
  };
  const child = spawn(process.execPath, ['--input-type=module', '-e', LOADER, path.join(root, 'dist/functions/index.js')], { env, stdio: 'ignore' });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

rmSync(cacheDir, { recursive: true, force: true });
if (!('enableCompileCache' in module)) {
  console.log(`build-compile-cache: Node ${process.version} has no module compile cache (Node ≥ 22.1 does); none shipped`);
} else {
  mkdirSync(cacheDir, { recursive: true }); // functions/compile-cache.ts uses a cache only where one was made
  for (const target of TARGETS) await warm(target);
  console.log(`build-compile-cache: ${path.relative(root, cacheDir)} filled for ${TARGETS.join(', ')} (Node ${process.version})`);
}
