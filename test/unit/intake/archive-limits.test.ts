// Archives: prompt entries read with yauzl / tar within the limits (≤ 100 entries, ≤ 1 MiB per
// entry, ≤ 10 MiB in total, on bytes actually read); unsafe entries skipped and reported.
// Every hostile archive is built here in code.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib, { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { after, before, test } from 'node:test';
import { ArchiveError, archiveKind, readTarGzArchive, readZipArchive, type ArchiveContents } from '../../../shared/intake/archives.js';
import { INTAKE_LIMITS, MIB } from '../../../shared/intake/intake-limits.js';
import { buildTarGz, buildZip, type TarEntrySpec, type ZipEntrySpec } from '../../support/archive-builder.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'archive-limits-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function zip(entries: ZipEntrySpec[]): Promise<ArchiveContents> {
  const file = path.join(dir, `a${n++}.zip`);
  await writeFile(file, buildZip(entries));
  return readZipArchive(file, INTAKE_LIMITS);
}
function tgz(entries: TarEntrySpec[]): Promise<ArchiveContents> {
  return readTarGzArchive(Readable.from([buildTarGz(entries)]), INTAKE_LIMITS);
}
const texts = (c: ArchiveContents) => Object.fromEntries(c.prompts.map((p) => [p.path, p.bytes.toString('utf8')]));

test('archive kinds by suffix', () => {
  assert.equal(archiveKind('a/b.zip'), 'zip');
  assert.equal(archiveKind('B.TGZ'), 'tar.gz');
  assert.equal(archiveKind('b.tar.gz'), 'tar.gz');
  assert.equal(archiveKind('b.tar'), null);
  assert.equal(archiveKind('b.gz'), null);
});

test('zip: every .codex/.prompt entry is read (deflated or stored); other files and directories are not', async () => {
  const c = await zip([
    { name: 'jobs/', unixMode: 0o040755 },
    { name: 'jobs/one.prompt', data: 'First job.' },
    { name: './jobs/two.codex', data: 'Second job.', method: 'store' },
    { name: 'README.md', data: 'x'.repeat(5000) },
  ]);
  assert.deepEqual(texts(c), { 'jobs/one.prompt': 'First job.', 'jobs/two.codex': 'Second job.' });
  assert.deepEqual(c.skipped, []);
  assert.deepEqual(c.rejected, []);
  assert.equal(c.entryCount, 4);
  assert.equal(c.bytesRead, 'First job.'.length + 'Second job.'.length, 'non-prompt entries are never decompressed');
});

test('tar.gz: every .codex/.prompt entry is read; other files are drained, not kept, and counted as workspace files', async () => {
  const c = await tgz([
    { path: 'jobs/', type: 'Directory' },
    { path: 'jobs/one.prompt', data: 'First job.' },
    { path: 'jobs/two.codex', data: 'Second job.' },
    { path: 'notes.txt', data: 'hello' },
  ]);
  assert.deepEqual(texts(c), { 'jobs/one.prompt': 'First job.', 'jobs/two.codex': 'Second job.' });
  assert.equal(c.entryCount, 4);
  assert.equal(c.bytesRead, 10 + 11, 'prompt data read (other data is bounded by maxArchiveDataBytes)');
  assert.equal(c.workspaceFiles, 1);
});

test('zip: .., absolute paths, backslashes, symbolic links and devices are skipped and reported', async () => {
  const c = await zip([
    { name: '../escape.prompt', data: 'evil' },
    { name: 'a/../../escape2.prompt', data: 'evil' },
    { name: '/etc/abs.prompt', data: 'evil' },
    { name: 'C:/win.prompt', data: 'evil' },
    { name: '..\\back.prompt', data: 'evil' },
    { name: 'link.prompt', data: '/etc/passwd', unixMode: 0o120777 },
    { name: 'dev.prompt', unixMode: 0o020644 },
    { name: 'fifo.prompt', unixMode: 0o010644 },
    { name: 'ok.prompt', data: 'fine', unixMode: 0o100644 },
    { name: 'ok.prompt', data: 'second copy' },
  ]);
  assert.deepEqual(texts(c), { 'ok.prompt': 'fine' });
  assert.deepEqual(
    c.skipped.map((s) => `${s.path}: ${s.reason}`),
    [
      '../escape.prompt: path escapes the archive (..)',
      'a/../../escape2.prompt: path escapes the archive (..)',
      '/etc/abs.prompt: absolute path',
      'C:/win.prompt: absolute path',
      '..\\back.prompt: backslash in the path',
      'link.prompt: symbolic link',
      'dev.prompt: character device',
      'fifo.prompt: FIFO',
      'ok.prompt: duplicate entry',
    ],
  );
  assert.equal(c.bytesRead, 4, 'nothing of a skipped entry is read');
});

test('tar.gz: .., absolute paths, symbolic links, hard links and devices are skipped and reported', async () => {
  const c = await tgz([
    { path: '../escape.prompt', data: 'evil' },
    { path: '/abs.prompt', data: 'evil' },
    { path: 'sym.prompt', type: 'SymbolicLink', linkpath: '/etc/passwd' },
    { path: 'hard.prompt', type: 'Link', linkpath: 'ok.prompt' },
    { path: 'chr.prompt', type: 'CharacterDevice' },
    { path: 'blk.prompt', type: 'BlockDevice' },
    { path: 'fifo.prompt', type: 'FIFO' },
    { path: 'ok.prompt', data: 'fine' },
  ]);
  assert.deepEqual(texts(c), { 'ok.prompt': 'fine' });
  assert.deepEqual(
    c.skipped.map((s) => `${s.path}: ${s.reason}`),
    [
      '../escape.prompt: path escapes the archive (..)',
      '/abs.prompt: absolute path',
      'sym.prompt: symbolic link',
      'hard.prompt: hard link',
      'chr.prompt: character device',
      'blk.prompt: block device',
      'fifo.prompt: FIFO',
    ],
  );
});

test('more than 100 prompt entries refuses the whole archive (zip and tar.gz); other files do not count', async () => {
  const many = Array.from({ length: 101 }, (_, i) => ({ name: `p${i}.prompt`, path: `p${i}.prompt`, data: `job ${i}` }));
  await assert.rejects(zip(many), (err: Error) => err instanceof ArchiveError && /more than 100 \.codex\/\.prompt entries/.test(err.message));
  await assert.rejects(tgz(many), (err: Error) => err instanceof ArchiveError && /more than 100 \.codex\/\.prompt entries/.test(err.message));
  const files = Array.from({ length: 500 }, (_, i) => ({ name: `src/f${i}.ts`, path: `src/f${i}.ts`, data: `export const n = ${i};` }));
  const withFiles = await tgz([...many.slice(0, 3), ...files]);
  assert.equal(withFiles.prompts.length, 3);
  assert.equal(withFiles.workspaceFiles, 500);
  assert.equal((await zip([...many.slice(0, 3), ...files])).workspaceFiles, 500);
  // the entry cap (WORKSPACE_MAX_FILES) counts every entry
  await assert.rejects(readTarGzArchive(Readable.from([buildTarGz(files)]), { ...INTAKE_LIMITS, maxArchiveEntries: 100 }), (err: Error) => err instanceof ArchiveError && /more than 100 entries/.test(err.message));
  // exactly 100 is fine
  assert.equal((await zip(many.slice(0, 100))).prompts.length, 100);
  assert.equal((await tgz(many.slice(0, 100))).prompts.length, 100);
});

test('an entry over 1 MiB is rejected (its own failed job), the others still run', async () => {
  const big = Buffer.alloc(MIB + 1, 'a');
  const exact = Buffer.alloc(MIB, 'b');
  const z = await zip([
    { name: 'big.prompt', data: big },
    { name: 'exact.prompt', data: exact },
  ]);
  assert.deepEqual(z.rejected, [{ path: 'big.prompt', reason: `the entry is larger than ${MIB} bytes (1 MiB)` }]);
  assert.deepEqual(z.prompts.map((p) => [p.path, p.bytes.length]), [['exact.prompt', MIB]]);
  const t = await tgz([
    { path: 'big.prompt', data: big },
    { path: 'exact.prompt', data: exact },
  ]);
  assert.deepEqual(t.rejected.map((r) => r.path), ['big.prompt']);
  assert.deepEqual(t.prompts.map((p) => [p.path, p.bytes.length]), [['exact.prompt', MIB]]);
});

test('zip bomb: an entry declaring 100 bytes that inflates to 20 MiB is caught on bytes read', async () => {
  const c = await zip([
    { name: 'bomb.prompt', data: Buffer.alloc(20 * MIB), declaredSize: 100 },
    { name: 'ok.prompt', data: 'fine' },
  ]);
  assert.equal(c.rejected.length, 1);
  assert.equal(c.rejected[0]!.path, 'bomb.prompt');
  assert.match(c.rejected[0]!.reason, /data is invalid/);
  assert.ok(c.bytesRead < MIB, `stopped early: ${c.bytesRead} bytes read`);
  assert.deepEqual(texts(c), { 'ok.prompt': 'fine' });
});

test('zip bomb: a bomb declaring its true huge size is refused without inflating', async () => {
  const c = await zip([{ name: 'bomb.prompt', data: Buffer.alloc(4 * MIB) }]);
  assert.deepEqual(c.rejected.map((r) => r.path), ['bomb.prompt']);
  assert.equal(c.bytesRead, 0);
});

test('more than 10 MiB of prompt entry data in total refuses the archive (zip and tar.gz)', async () => {
  const entries = Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.prompt`, path: `p${i}.prompt`, data: Buffer.alloc(MIB - 10, 'a') }));
  await assert.rejects(zip(entries), (err: Error) => err instanceof ArchiveError && /more than 10485760 bytes \(10 MiB\)/.test(err.message));
  await assert.rejects(tgz(entries), (err: Error) => err instanceof ArchiveError && /more than 10485760 bytes/.test(err.message));
  // non-prompt data of a tar.gz is read through, within maxArchiveDataBytes (WORKSPACE_MAX_BYTES)
  assert.equal((await tgz([{ path: 'huge.bin', data: Buffer.alloc(11 * MIB) }])).workspaceFiles, 1);
  await assert.rejects(readTarGzArchive(Readable.from([buildTarGz([{ path: 'huge.bin', data: Buffer.alloc(11 * MIB) }])]), { ...INTAKE_LIMITS, maxArchiveDataBytes: 10 * MIB }), ArchiveError);
});

test('tar.gz gzip bomb: an entry of 1 GiB of zeros stops at the total limit, on bytes read', async () => {
  const header = buildTarGz([{ path: 'bomb.prompt', data: 'x' }]);
  // A header declaring 1 GiB, then 16 MiB of zeros: gzips to ~16 KiB.
  const tar = zlib.gunzipSync(header).subarray(0, 512);
  const big = Buffer.from(tar);
  new Header({ path: 'bomb.bin', type: 'File', size: 1024 * MIB, mode: 0o644, mtime: new Date(0) }).encode(big, 0);
  const bomb = gzipSync(Buffer.concat([big, Buffer.alloc(16 * MIB)]));
  assert.ok(bomb.length < 100 * 1024);
  await assert.rejects(readTarGzArchive(Readable.from([bomb]), { ...INTAKE_LIMITS, maxArchiveDataBytes: 10 * MIB }), (err: Error) => err instanceof ArchiveError && /more than 11534336 bytes/.test(err.message));
});

test('tar.gz: data after the end-of-archive records is not read', async () => {
  const tar = zlib.gunzipSync(buildTarGz([{ path: 'ok.prompt', data: 'fine' }]));
  const c = await readTarGzArchive(Readable.from([gzipSync(Buffer.concat([tar, Buffer.alloc(16 * MIB)]))]), INTAKE_LIMITS);
  assert.deepEqual(texts(c), { 'ok.prompt': 'fine' });
});

test('broken archives are refused as a whole with a clear message', async () => {
  const file = path.join(dir, 'broken.zip');
  await writeFile(file, 'this is not a zip');
  await assert.rejects(readZipArchive(file, INTAKE_LIMITS), /not a valid zip archive/);
  await assert.rejects(readTarGzArchive(Readable.from([Buffer.from('not gzip at all')]), INTAKE_LIMITS), /not a valid gzip stream/);
  const garbage = gzipSync(Buffer.alloc(4096, 7));
  await assert.rejects(readTarGzArchive(Readable.from([garbage]), INTAKE_LIMITS), ArchiveError);
});
