// Step of `npm run build` (after tsc): one esbuild bundle per function, written over tsc's output of
// its entry, so dist/functions/<name>/index.js — the file the Functions Framework, the local stack,
// the tests, the source archive and the image all load — is the bundle. A cold start then reads one
// file of our code and small dependencies instead of hundreds, and each function holds only what its
// entry reaches: new imports are picked up from the entry, and `await import()` becomes a chunk
// beside it (ESM splitting), loaded only when reached.
// Left outside the bundle, loaded from node_modules as installed:
//   - the Functions Framework: it loads the bundle, and the bundle must register on its instance;
//   - the Google Cloud clients (@google-cloud/*): google-gax and its kin read their .proto/.json files
//     by paths next to their own sources at run time;
// Beside the processor's and the worker's bundle: netns-entry.js, the script network-gate.ts starts
// by a path next to itself. Paths a module takes from import.meta.url stay right because every
// bundle sits at the depth of the shared modules (dist/<dir>/<dir>/).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { BUNDLES, EXTERNAL } from './function-bundles.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Dependencies written as CommonJS call require() for Node's built-ins; an ES module has no require.
const BANNER = "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);";

async function bundle(name: string, extra: Record<string, string>): Promise<esbuild.Metafile> {
  const outdir = path.join(root, 'dist/functions', name);
  rmSync(outdir, { recursive: true, force: true }); // tsc's output of the entry and older chunks
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { index: `functions/${name}/index.ts`, ...extra },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Named chunks: a stack trace or a profile says which module a frame is in.
    chunkNames: '[name]-[hash]',
    sourcemap: true,
    external: EXTERNAL,
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  return result.metafile;
}

async function main(): Promise<void> {
  const metas = await Promise.all(Object.entries(BUNDLES).map(async ([name, extra]) => [name, await bundle(name, extra)] as const));
  // What each bundle holds (esbuild's analyzer reads it); under dist/dev, which nothing deploys.
  const metaDir = path.join(root, 'dist/dev/bundles');
  mkdirSync(metaDir, { recursive: true });
  for (const [name, meta] of metas) writeFileSync(path.join(metaDir, `${name}.meta.json`), JSON.stringify(meta));
}

await main();
