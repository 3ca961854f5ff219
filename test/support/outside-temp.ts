// A scratch folder outside every temp parent (/tmp, TMPDIR, /var/tmp, /dev/shm). A job's processes
// see only their own folder there (private-temp.ts), so a stand-in program they must run (a fake
// codex binary) has to live elsewhere, as the real one does.
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function mkdtempOutsideTemp(prefix: string): string {
  const base = path.join(os.homedir(), '.cache', 'codex-jobs', 'scratch');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, prefix));
}
