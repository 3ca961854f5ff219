// Archive bodies for the upload entry points: well-formed ones (zip, tar, tar.gz) with hostile
// entries (`..`, absolute paths, links, devices, .git, duplicates), bombs-lite (a few MiB of zeros
// that compress to KiB, a zip that lies about its sizes, more entries than allowed), archives cut
// off anywhere, and bytes that only start like an archive (or not at all).
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { buildTarGz, buildZip, type TarEntrySpec, type ZipEntrySpec } from '../support/archive-builder.js';

const hostilePaths = ['a.txt', 'src/main.ts', '../escape.txt', '../../etc/cron.d/x', '/abs.txt', 'a/../../b.txt', './ok.txt', '.git/config', '.git/hooks/post-checkout', 'dir/', 'a\\..\\b.txt', 'ü/ñ.txt', 'x'.repeat(99), 'a/b/c/d/e/f/g.txt'];
const data = fc.oneof(fc.constant(''), fc.string({ maxLength: 64 }), fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)));

const tarEntry: fc.Arbitrary<TarEntrySpec> = fc.oneof(
  fc.record({ path: fc.constantFrom(...hostilePaths), data }),
  fc.record({ path: fc.constantFrom('link', 'a/link', 'ok.txt'), type: fc.constantFrom('SymbolicLink' as const, 'Link' as const), linkpath: fc.constantFrom('/etc/passwd', '../../outside', 'a.txt', '.') }),
  fc.record({ path: fc.constantFrom('dev', 'fifo'), type: fc.constantFrom('CharacterDevice' as const, 'BlockDevice' as const, 'FIFO' as const) }),
  fc.record({ path: fc.constantFrom('a.txt', 'dir', 'dir/x'), type: fc.constant('Directory' as const) }),
);
const zipEntry: fc.Arbitrary<ZipEntrySpec> = fc.oneof(
  fc.record({ name: fc.constantFrom(...hostilePaths), data, method: fc.constantFrom('store' as const, 'deflate' as const) }),
  fc.record({ name: fc.constantFrom('link', 'a/link'), data: fc.constantFrom('/etc/passwd', '../../outside'), unixMode: fc.constant(0o120777) }),
  // A size that lies: yauzl must refuse it (validateEntrySizes), not write past it.
  fc.record({ name: fc.constant('liar.bin'), data: fc.constant(Buffer.alloc(64 * 1024)), declaredSize: fc.integer({ min: 0, max: 100 }) }),
);

const tarGz = fc.array(tarEntry, { maxLength: 6 }).map(buildTarGz);
const tar = tarGz.map((b) => gunzipSync(b));
const zip = fc.array(zipEntry, { maxLength: 6 }).map(buildZip);

const MIB = 1024 * 1024;
/** Small on the wire, large unpacked: past the unpack entry's 1 MiB limit (and of WORKSPACE_MAX_BYTES' scale). */
const bombLite = fc.oneof(
  fc.integer({ min: 2, max: 6 }).map((n) => buildTarGz([{ path: 'zeros.bin', data: Buffer.alloc(n * MIB) }])),
  fc.integer({ min: 2, max: 6 }).map((n) => buildZip([{ name: 'zeros.bin', data: Buffer.alloc(n * MIB), method: 'deflate' }])),
  fc.integer({ min: 60, max: 120 }).map((n) => buildZip(Array.from({ length: n }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })))),
  fc.integer({ min: 60, max: 120 }).map((n) => buildTarGz(Array.from({ length: n }, (_, i) => ({ path: `f${i}.txt`, data: 'x' })))),
);

/** An archive cut off at a random point (a truncated gzip stream, a zip without its directory). */
const truncated = fc.tuple(fc.oneof(tarGz, zip, tar), fc.double({ min: 0, max: 1, noNaN: true })).map(([b, at]) => b.subarray(0, Math.floor(b.length * at)));

const gzipMagic = Buffer.from([0x1f, 0x8b, 0x08]);
const zipMagic = Buffer.from('PK\x03\x04', 'latin1');
const garbage = fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b));
/** Bytes that pass the format sniff (the first 512) but are no archive after it. */
const magicOnly = fc.oneof(
  garbage.map((b) => Buffer.concat([gzipMagic, b])),
  garbage.map((b) => Buffer.concat([zipMagic, b])),
  garbage.map((b) => {
    const out = Buffer.concat([Buffer.alloc(512), b]);
    out.write('ustar', 257, 'latin1');
    return out;
  }),
);
const notArchive = fc.oneof(garbage, fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)), fc.constant(Buffer.from('{"prompt":"x"}')), fc.constant(Buffer.alloc(0)));

export const archiveBodies = {
  wellFormed: fc.oneof(tarGz, tar, zip),
  bombLite,
  truncated,
  magicOnly,
  notArchive,
};

export const anyArchiveBody = fc.oneof(archiveBodies.wellFormed, archiveBodies.bombLite, archiveBodies.truncated, archiveBodies.magicOnly, archiveBodies.notArchive);
