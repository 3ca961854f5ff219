// Builds archives in code for the intake tests, hostile ones included (lying sizes, `..`, absolute
// paths, links, devices). Zip: a small writer over node:zlib (deflateRawSync, crc32); tar: the tar
// package's own Header encoder, gzipped with node:zlib.
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';

export interface ZipEntrySpec {
  /** Written as given (UTF-8 flag set): `../x.prompt` and `/abs.prompt` go in unchanged. */
  name: string;
  data?: Buffer | string;
  method?: 'store' | 'deflate';
  /** Declared uncompressed size, when it should lie (a zip bomb declares a small one). */
  declaredSize?: number;
  /** Unix st_mode (e.g. 0o120777 for a symbolic link); marks the entry as made on Unix. */
  unixMode?: number;
}

export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const raw = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? '', 'utf8');
    const method = e.method === 'store' ? 0 : 8;
    const body = method === 8 ? deflateRawSync(raw) : raw;
    const size = e.declaredSize ?? raw.length;
    const crc = crc32(raw);
    const flags = 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.unixMode !== undefined ? (3 << 8) | 20 : 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(e.unixMode !== undefined ? (e.unixMode << 16) >>> 0 : 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface TarEntrySpec {
  path: string;
  type?: NonNullable<HeaderData['type']>;
  data?: Buffer | string;
  linkpath?: string;
  mode?: number;
}

/** A tar (ustar headers from tar's Header), gzipped. Paths must fit ustar (≤ 100 chars, or prefix split). */
export function buildTarGz(entries: TarEntrySpec[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? '', 'utf8');
    const type = e.type ?? 'File';
    const size = type === 'File' ? data.length : 0;
    const header = Buffer.alloc(512);
    new Header({ path: e.path, type, size, mode: e.mode ?? (type === 'Directory' ? 0o755 : 0o644), uid: 0, gid: 0, mtime: new Date(0), ...(e.linkpath ? { linkpath: e.linkpath } : {}) }).encode(header, 0);
    blocks.push(header);
    if (size > 0) blocks.push(data, Buffer.alloc((512 - (size % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
