// V8's compile cache for the modules loaded after this one (Node ≥ 22.1; a no-op before): the build
// fills dist/compile-cache (dev/build-compile-cache.ts), so a cold start reads compiled code instead of
// compiling the bundle and the Google Cloud clients again. An entry is used only for the same file at
// the same path with the same contents under the same Node version, so a stale or foreign cache costs
// a miss, never a wrong module. Only a shipped cache is used: where the build made none (Node 20), no
// process starts one of its own.
import { existsSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const COMPILE_CACHE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'compile-cache');

const enable = (module as { enableCompileCache?: (directory: string) => unknown }).enableCompileCache;
if (existsSync(COMPILE_CACHE_DIR)) enable?.(COMPILE_CACHE_DIR);
