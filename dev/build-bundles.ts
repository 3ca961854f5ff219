// Step of `npm run build` (after tsc): one esbuild bundle per function, written over tsc's output of
// its entry, so dist/functions/<name>/index.js — the file the Functions Framework, the local stack,
// the tests, the source archive and the image all load — is the bundle. A cold start then reads one
// file of our code and small dependencies instead of hundreds, and each function holds only what its
// entry reaches: new imports are picked up from the entry, and `await import()` becomes a chunk
// beside it (ESM splitting), loaded only when reached.
// Left outside the bundle: the Functions Framework only (it loads the bundle, and the bundle must
// register on its instance). The Google Cloud clients are inside: loading them from node_modules as
// hundreds of files was most of a cold start. Packages that read files beside their own sources
// (google-gax its .proto/.json files) get the __dirname of where they are installed (installedPaths).
// Beside the processor's and the worker's bundle: netns-entry.js, the script network-gate.ts starts
// by a path next to itself. Paths a module takes from import.meta.url stay right because every
// bundle sits at the depth of the shared modules (dist/<dir>/<dir>/).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { BUNDLES, EXTERNAL } from './function-bundles.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// Dependencies written as CommonJS call require() for Node's built-ins; an ES module has no require.
// __bundleDir: where this output file sits, for the __dirname of the packages below.
const BANNER = [
  "import { createRequire as __bundleRequire } from 'node:module';",
  "import __bundlePath from 'node:path';",
  "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
  'const require = __bundleRequire(import.meta.url);',
  'const __bundleDir = __bundlePath.dirname(__bundleFileURLToPath(import.meta.url));',
].join(' ');

/**
 * A package that reads files beside its own sources (google-gax its .proto and .json files, the
 * Storage client its package.json) gets __dirname and __filename of where it is installed, relative to
 * the bundle's folder: node_modules ships beside dist/ wherever the bundle runs.
 */
function installedPaths(outdir: string): esbuild.Plugin {
  return {
    name: 'installed-paths',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
        const dir = JSON.stringify(path.relative(outdir, path.dirname(args.path)));
        const file = JSON.stringify(path.relative(outdir, args.path));
        const header = `var __dirname = __bundlePath.join(__bundleDir, ${dir}); var __filename = __bundlePath.join(__bundleDir, ${file});\n`;
        return { contents: header + source, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}

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
    plugins: [installedPaths(outdir)],
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
