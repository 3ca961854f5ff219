// Which archive a file is, by its first bytes (never by its name): zip, gzip (tar.gz / tgz) or tar.
// Light on purpose: the API checks uploads with it and must not load the archive readers.
export type ArchiveFormat = 'zip' | 'tar.gz' | 'tar';

/** Bytes needed to tell the formats apart (tar's "ustar" magic sits at offset 257). */
export const FORMAT_SNIFF_BYTES = 512;

export function archiveFormatOf(head: Uint8Array): ArchiveFormat | null {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))) return 'zip';
  if (b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 8) return 'tar.gz';
  if (b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return null;
}

export const ACCEPTED_FORMATS_TEXT = 'a zip, tar, tar.gz or tgz archive';
