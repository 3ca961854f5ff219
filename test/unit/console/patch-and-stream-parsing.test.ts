// The console's pure parsers, run in Node on the built browser modules (dist/console): the git
// patch → per-file diff (binary files named, renames, quoted paths, line numbers) and the
// event-stream parser (split chunks, CRLF, multi-line data, comments, ids, retry).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';

// Shapes of the browser modules as these tests use them (they are not part of this program's build).
interface PatchFile { path: string; oldPath: string | null; change: string; binary: boolean; hunks: { header: string; lines: { kind: string; text: string; oldNo?: number; newNo?: number }[] }[]; additions: number; deletions: number }
interface SseMessage { id?: string; event: string; data: string }
interface SseParserLike { push(text: string): SseMessage[]; retryMs: number | undefined }

const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../console');
const { parsePatch, unquotePath } = (await import(pathToFileURL(path.join(consoleDir, 'patch.js')).href)) as { parsePatch(p: string): PatchFile[]; unquotePath(p: string): string };
const { SseParser } = (await import(pathToFileURL(path.join(consoleDir, 'sse-parser.js')).href)) as { SseParser: new () => SseParserLike };

/** A real `git diff --binary` of a change set, as the processor makes changes.patch. */
function gitPatch(change: (dir: string) => void, base: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'console-patch-'));
  try {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'core.quotepath=true', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    for (const [name, content] of Object.entries(base)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    git('add', '-A');
    git('commit', '-qm', 'base', '--allow-empty');
    change(dir);
    git('add', '-A');
    return git('diff', '--binary', '-M', '--cached', 'HEAD');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a git patch becomes one entry per file: added, modified, deleted, renamed and binary', () => {
  const patch = gitPatch(
    (dir) => {
      writeFileSync(path.join(dir, 'new file.txt'), 'one\ntwo\n');
      writeFileSync(path.join(dir, 'keep.txt'), 'a\nB\nc\n');
      rmSync(path.join(dir, 'gone.txt'));
      rmSync(path.join(dir, 'old-name.md'));
      writeFileSync(path.join(dir, 'new-name.md'), 'same content that is long enough to be a rename\nline two\nline three\n');
      writeFileSync(path.join(dir, 'image.bin'), Buffer.from([0, 1, 2, 255, 0, 7]));
      writeFileSync(path.join(dir, 'café.txt'), 'accent\n');
    },
    { 'keep.txt': 'a\nb\nc\n', 'gone.txt': 'bye\n', 'old-name.md': 'same content that is long enough to be a rename\nline two\nline three\n' },
  );
  const files = parsePatch(patch);
  const by = Object.fromEntries(files.map((f) => [f.path, f]));
  assert.deepEqual(Object.keys(by).sort(), ['café.txt', 'gone.txt', 'image.bin', 'keep.txt', 'new file.txt', 'new-name.md']);
  assert.equal(by['new file.txt']!.change, 'added');
  assert.equal(by['new file.txt']!.oldPath, null);
  assert.deepEqual([by['new file.txt']!.additions, by['new file.txt']!.deletions], [2, 0]);
  assert.equal(by['keep.txt']!.change, 'modified');
  assert.deepEqual(
    by['keep.txt']!.hunks[0]!.lines.map((l) => [l.kind, l.text, l.oldNo ?? null, l.newNo ?? null]),
    [['ctx', 'a', 1, 1], ['del', 'b', 2, null], ['add', 'B', null, 2], ['ctx', 'c', 3, 3]],
  );
  assert.equal(by['gone.txt']!.change, 'deleted');
  assert.equal(by['new-name.md']!.change, 'renamed');
  assert.equal(by['new-name.md']!.oldPath, 'old-name.md');
  assert.equal(by['image.bin']!.binary, true);
  assert.equal(by['image.bin']!.hunks.length, 0, 'binary contents are never shown');
  assert.equal(by['café.txt']!.change, 'added');
});

test('quoted paths, "Binary files differ", no-newline notes and an empty patch', () => {
  assert.equal(unquotePath('"caf\\303\\251 \\"x\\".txt"'), 'café "x".txt');
  assert.equal(unquotePath('plain.txt'), 'plain.txt');
  const files = parsePatch(
    ['diff --git a/logo.png b/logo.png', 'index 1111111..2222222 100644', 'Binary files a/logo.png and b/logo.png differ',
      'diff --git a/a.txt b/a.txt', 'index 1..2 100644', '--- a/a.txt', '+++ b/a.txt', '@@ -1 +1 @@', '-x', '\\ No newline at end of file', '+y', '\\ No newline at end of file', ''].join('\n'),
  );
  assert.deepEqual(files.map((f) => [f.path, f.binary, f.change]), [['logo.png', true, 'modified'], ['a.txt', false, 'modified']]);
  assert.deepEqual(files[1]!.hunks[0]!.lines.map((l) => l.kind), ['del', 'note', 'add', 'note']);
  assert.deepEqual(parsePatch(''), []);
});

test('the event-stream parser joins split chunks, handles CRLF, comments, multi-line data, ids and retry', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('retry: 2000\n: a comment\n\nid: 4\nda'), []);
  assert.equal(p.retryMs, 2000);
  assert.deepEqual(p.push('ta: {"seq":4}\n'), []);
  assert.deepEqual(p.push('\nid: 5\r\ndata: line1\r'), [{ id: '4', event: 'message', data: '{"seq":4}' }]);
  assert.deepEqual(p.push('\ndata: line2\r\n\r\n'), [{ id: '5', event: 'message', data: 'line1\nline2' }]);
  assert.deepEqual(p.push('event: end\ndata: {"status":"completed"}\n\n'), [{ id: '5', event: 'end', data: '{"status":"completed"}' }]);
  assert.deepEqual(p.push(': heartbeat\n\n'), [], 'a heartbeat comment is no message');
});
