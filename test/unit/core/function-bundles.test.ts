// What `npm run build` made of each function (dev/build-bundles.ts): its entry under dist/functions is
// one bundle that loads nothing of dist/shared, only node's built-ins, the Functions Framework and
// chunks beside it; the module map holds inside the bundles (the API never holds codex or archive
// code, the processor never holds the HTTP app); and the script the processor starts by path is there.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { BUNDLES, EXTERNAL } from '../../../dev/function-bundles.js';
import { FUNCTIONS } from '../../../dev/topology.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const meta = (name: string) => JSON.parse(readFileSync(path.join(dist, 'dev/bundles', `${name}.meta.json`), 'utf8')) as Metafile;
const ownInputs = (name: string) => Object.keys(meta(name).inputs).filter((i) => !i.includes('node_modules/'));
const builtin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec);
// Optional requires esbuild leaves to run time because their packages guard them (node-fetch's
// `try { require('encoding') }`): absent, they fall back as they do unbundled.
const OPTIONAL = ['encoding'];

describe('each function is one bundle, loaded from dist/functions/<name>/index.js', () => {
  it('bundles every function the topology deploys, and the worker', () => {
    for (const spec of FUNCTIONS) assert.ok(BUNDLES[spec.target], `${spec.target} has a bundle`);
    assert.ok(BUNDLES.worker);
  });

  for (const name of Object.keys(BUNDLES)) {
    it(`${name}: the entry is the bundle, and it imports only built-ins, the Functions Framework and its own chunks`, () => {
      const outputs = meta(name).outputs;
      const entry = Object.entries(outputs).find(([file, o]) => o.entryPoint === `functions/${name}/index.ts` && file.endsWith('/index.js'));
      assert.ok(entry, `${name}: the metafile names its entry's output`);
      assert.equal(path.resolve(dist, '..', entry[0]), path.join(dist, 'functions', name, 'index.js'));
      const source = readFileSync(path.join(dist, 'functions', name, 'index.js'), 'utf8');
      assert.doesNotMatch(source, /from\s*["']\.\.\/\.\.\/shared\//, 'no import of the unbundled library');
      for (const [file, output] of Object.entries(outputs)) {
        for (const imported of output.imports) {
          if (imported.external) assert.ok(builtin(imported.path) || EXTERNAL.includes(imported.path) || OPTIONAL.includes(imported.path), `${file} imports ${imported.path} from outside the bundle`);
          else assert.equal(path.dirname(imported.path), path.dirname(file), `${file} loads ${imported.path}, outside its folder`);
        }
      }
    });
  }

  it('keeps the module map: the API holds no codex or archive code, the processor no HTTP app', () => {
    const api = ownInputs('enqueue');
    assert.ok(api.includes('shared/api/api-app.ts'));
    assert.deepEqual(api.filter((i) => i.startsWith('shared/codex/') || /^shared\/intake\/archive/.test(i)), []);
    const processor = ownInputs('processor');
    assert.ok(processor.includes('shared/codex/run-turn.ts'));
    assert.deepEqual(processor.filter((i) => i === 'shared/api/api-app.ts' || i.startsWith('shared/api/routes/')), []);
  });

  it('puts the script a job’s network gate starts beside the processor’s and the worker’s bundle', () => {
    for (const name of ['processor', 'worker']) assert.ok(existsSync(path.join(dist, 'functions', name, 'netns-entry.js')), `${name}/netns-entry.js`);
  });
});
