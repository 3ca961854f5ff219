// diff: the job's changes as a git patch on stdout. apply: that patch applied to the current git
// repository with `git apply --3way`, and a summary of what it did.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { EXIT, ExitWith, UsageError } from '../exit-codes.js';

function git(args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new UsageError(`cannot run git: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}; install git`);
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

interface FileStat {
  path: string;
  added: number | null;
  deleted: number | null;
}

function numstat(patchFile: string, cwd: string, prefix: string): FileStat[] {
  const r = git(['apply', '--numstat', ...(prefix ? [`--directory=${prefix}`] : []), patchFile], cwd);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [a, d, ...p] = line.split('\t');
      return { path: p.join('\t'), added: a === '-' ? null : Number(a), deleted: d === '-' ? null : Number(d) };
    });
}

export function registerChanges(program: Command, run: (fn: (ctx: Ctx) => Promise<number>) => Promise<void>): void {
  program
    .command('diff')
    .description("the job's changes as a git patch (binary-safe)")
    .argument('<id>', 'job id')
    .action((jobId: string) =>
      run(async (ctx) => {
        const patch = await ctx.sdk().jobs.patch(jobId);
        if (ctx.out.mode !== 'human') ctx.out.json({ job_id: jobId, patch });
        else if (!patch) ctx.out.note(`job ${jobId} changed nothing`);
        else process.stdout.write(patch);
        return 0;
      }),
    );

  program
    .command('apply')
    .description("apply the job's changes to the current git repository (git apply --3way)")
    .argument('<id>', 'job id')
    .option('--check', 'only check that the patch applies; change nothing')
    .action((jobId: string, flags: { check?: boolean }) =>
      run(async (ctx) => {
        const cwd = process.cwd();
        const top = git(['rev-parse', '--show-toplevel'], cwd);
        if (top.status !== 0) throw new UsageError(`${cwd} is not in a git repository: run apply inside the repository the job's workspace came from`);
        const root = top.stdout.trim();
        // Patch paths are relative to the folder that was uploaded (here), so from the top they get its prefix.
        const prefix = git(['rev-parse', '--show-prefix'], cwd).stdout.trim().replace(/\/$/, '');
        const patch = await ctx.sdk().jobs.patch(jobId);
        if (!patch.trim()) {
          if (ctx.out.mode !== 'human') ctx.out.json({ job_id: jobId, applied: false, files: [], reason: 'the job changed nothing' });
          else ctx.out.line(`job ${jobId} changed nothing; nothing to apply`);
          return 0;
        }
        const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-jobs-apply-'));
        try {
          const file = path.join(dir, `${jobId}.patch`);
          writeFileSync(file, patch);
          const files = numstat(file, root, prefix);
          const dirArgs = prefix ? [`--directory=${prefix}`] : [];
          let how = 'git apply --3way';
          let r = git(['apply', '--3way', ...(flags.check ? ['--check'] : []), ...dirArgs, file], root);
          // --3way works on the index; files changed but not staged make it refuse: apply to the working tree then.
          if (r.status !== 0 && /does not match index|not in index|does not exist in index/.test(r.stderr) && !/with conflicts/.test(r.stderr)) {
            how = 'git apply (working tree only: your uncommitted changes to these files kept --3way from using the index)';
            r = git(['apply', ...(flags.check ? ['--check'] : []), ...dirArgs, file], root);
          }
          const conflicted = [...r.stderr.matchAll(/Applied patch to '([^']+)' with conflicts/g)].map((m) => m[1]!);
          const summary = {
            job_id: jobId,
            applied: r.status === 0 && !flags.check,
            checked: Boolean(flags.check),
            method: how,
            repository: root,
            files,
            conflicts: conflicted,
            insertions: files.reduce((n, f) => n + (f.added ?? 0), 0),
            deletions: files.reduce((n, f) => n + (f.deleted ?? 0), 0),
          };
          if (ctx.out.mode !== 'human') ctx.out.json(summary);
          else if (r.status === 0) {
            ctx.out.line(`${flags.check ? 'would apply' : 'applied'} job ${jobId} to ${root} with ${how}: ${files.length} file(s), +${summary.insertions} −${summary.deletions}`);
            for (const f of files) ctx.out.line(`  ${f.path}${f.added === null ? ' (binary)' : ` +${f.added} −${f.deleted}`}`);
            if (!flags.check && how.startsWith('git apply --3way')) ctx.out.note('the changes are staged: review them with git diff --cached');
          } else if (conflicted.length) {
            ctx.out.line(`applied job ${jobId} with conflicts in ${conflicted.length} file(s): ${conflicted.join(', ')}; resolve the conflict markers, then git add them`);
          } else {
            ctx.out.note(`the patch of job ${jobId} does not apply to ${root}: ${r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? 'git apply failed'}`);
          }
          if (r.status !== 0 && ctx.out.mode !== 'human') ctx.out.note(`git apply failed: ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
          if (r.status !== 0) throw new ExitWith(EXIT.failed);
          return 0;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
    );
}
