// A job's private directories under the OS temp dir: the workspace Codex works in, its CODEX_HOME,
// its TMPDIR and HOME. Removed whole when the job ends, whatever happened (once, however often asked).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface JobWorkspace {
  root: string;
  workspace: string;
  codexHome: string;
  tmpDir: string;
  home: string;
  remove(): Promise<void>;
}

export const WORKSPACE_PREFIX = 'codex-job-';

export async function createJobWorkspace(jobId: string, baseDir = os.tmpdir()): Promise<JobWorkspace> {
  const root = await mkdtemp(path.join(baseDir, `${WORKSPACE_PREFIX}${jobId.slice(0, 8)}-`));
  const dirs = {
    workspace: path.join(root, 'workspace'),
    codexHome: path.join(root, 'codex-home'),
    tmpDir: path.join(root, 'tmp'),
    home: path.join(root, 'home'),
  };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true, mode: 0o700 })));
  let removed: Promise<void> | undefined;
  const remove = () => {
    // Once: a removal started early (beside the terminal write) is the one the run's end awaits.
    removed ??= rm(root, { recursive: true, force: true, maxRetries: 3 });
    removed.catch(() => undefined); // reported by whoever awaits it
    return removed;
  };
  return { root, ...dirs, remove };
}
