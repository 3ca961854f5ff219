// The client (SDK and CLI) loads no Google Cloud library and no server module: walking the import
// graph from client/ (the built JavaScript, as it runs), every shared/ module it reaches is in
// shared/jobs or a pure schema file, and no @google-cloud/* package is imported anywhere on the way.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DIST_ROOT } from '../../../dev/stack.js';

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s*['"]([^'"]+)['"]/gm;

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []));
}

test('client/ reaches no @google-cloud/* package and no shared/ module outside shared/jobs (and pure schemas)', () => {
  const start = jsFiles(path.join(DIST_ROOT, 'client'));
  assert.ok(start.some((f) => f.endsWith(path.join('sdk', 'index.js'))) && start.some((f) => f.endsWith(path.join('cli', 'main.js'))), 'the client is built');
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [...start];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith('.')) queue.push(path.resolve(path.dirname(file), spec));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  const cloud = [...packages].filter((p) => p.startsWith('@google-cloud/') || p === 'firebase-admin' || p === 'google-gax');
  assert.deepEqual(cloud, [], 'no Google Cloud library');
  const shared = [...seen].map((f) => path.relative(DIST_ROOT, f)).filter((f) => f.startsWith(`shared${path.sep}`));
  // A file that imports nothing at all (a pure rule, such as git's ref-name rules) is as safe as a schema.
  const importsNothing = (f: string) => ![...readFileSync(path.join(DIST_ROOT, f), 'utf8').matchAll(IMPORT)].length;
  // environment-spec.js is the EnvironmentSpec zod schema (zod only), named before this rule met it.
  const pureSchema = (f: string) => f.endsWith('-schemas.js') || f === path.join('shared', 'environment', 'environment-spec.js');
  const outside = shared.filter((f) => !f.startsWith(path.join('shared', 'jobs') + path.sep) && !pureSchema(f) && !importsNothing(f));
  assert.deepEqual(outside, [], 'only shared/jobs (and pure *-schemas files or import-free rules it uses)');
  assert.ok(shared.length > 0, 'the types come from shared/jobs');
  const notClient = [...seen].map((f) => path.relative(DIST_ROOT, f)).filter((f) => !f.startsWith(`client${path.sep}`) && !f.startsWith(`shared${path.sep}`));
  assert.deepEqual(notClient, [], 'nothing from functions/, dev/ or test/');
});
