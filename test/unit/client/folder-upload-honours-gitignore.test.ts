// uploads.create(dir) packs a folder as a real .tar.gz (the `tar` package) of its regular files,
// leaving out what .gitignore files at any depth exclude (negations included), .git and links.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import * as tar from 'tar';
import { packFolder } from '../../../client/sdk/pack-folder.js';

test('a folder is packed as tar.gz without its ignored files, .git or links', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pack-folder-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const put = (rel: string, text = rel) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  put('.gitignore', 'node_modules/\n*.log\n!keep.log\ndist\n');
  put('src/index.ts');
  put('src/.gitignore', 'generated.ts\n');
  put('src/generated.ts');
  put('src/nested/generated.ts');
  put('debug.log');
  put('keep.log');
  put('node_modules/pkg/index.js');
  put('dist/out.js');
  put('.git/HEAD', 'ref: refs/heads/main\n');
  put('README.md');
  symlinkSync('/etc/passwd', path.join(root, 'link'));

  const packed = await packFolder(root);
  t.after(() => packed.remove());
  const entries: string[] = [];
  await tar.list({ file: packed.file, onReadEntry: (e) => void entries.push(e.path) });
  assert.deepEqual(entries.sort(), ['.gitignore', 'README.md', 'keep.log', 'src/.gitignore', 'src/index.ts'].sort());
  assert.deepEqual(packed.files.sort(), entries.sort());
  assert.deepEqual(packed.skipped, ['link']);
  assert.ok(packed.size_bytes > 0);
});
