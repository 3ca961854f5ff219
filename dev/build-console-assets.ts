// Step of `npm run build`: lays out dist/console/, the directory the API serves the console from.
// The console's tsc output (console/tsconfig.json → dist/console-build/console/src) and the static
// files (console/static) are copied; the type-only shared files that tsc also emits are not.
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const compiled = path.join(root, 'dist/console-build/console/src');
const target = path.join(root, 'dist/console');

if (!existsSync(path.join(compiled, 'main.js'))) {
  console.error(`build-console-assets: ${compiled}/main.js is missing; run tsc -p console/tsconfig.json first`);
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
cpSync(compiled, target, { recursive: true, filter: (src) => !src.endsWith('.map') });
cpSync(path.join(root, 'console/static'), target, { recursive: true });
rmSync(path.join(root, 'dist/console-build'), { recursive: true, force: true });
