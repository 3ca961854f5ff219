// The limits of bucket drops (contract "Storage trigger"). Every byte limit counts bytes actually
// read, never the sizes an archive declares.
export const MIB = 1024 * 1024;

export const INTAKE_LIMITS = {
  /** A single .codex/.prompt file, and each prompt entry of an archive. */
  maxFileBytes: 1 * MIB,
  /** .codex/.prompt entries of one archive (each becomes a job). */
  maxPromptEntries: 100,
  /** Entries of one archive (directories and workspace files included): WORKSPACE_MAX_FILES by default. */
  maxArchiveEntries: 20_000,
  /** Prompt entry data read from one archive in total. */
  maxArchiveTotalBytes: 10 * MIB,
  /** All entry data streamed through (a tar.gz is read to its end): WORKSPACE_MAX_BYTES by default. */
  maxArchiveDataBytes: 256 * MIB,
  /** The archive object itself (compressed), checked before and while downloading. */
  maxArchiveObjectBytes: 16 * MIB,
} as const;

export type IntakeLimits = { [K in keyof typeof INTAKE_LIMITS]: number };

/** Default timeout_ms of a dropped prompt by its size in bytes: ≤ 1 000 → 30 s, ≤ 10 000 → 120 s, else 300 s. */
export function defaultTimeoutForSize(bytes: number, maxTimeoutMs: number): number {
  const byDefault = bytes <= 1_000 ? 30_000 : bytes <= 10_000 ? 120_000 : 300_000;
  return Math.min(byDefault, maxTimeoutMs);
}
