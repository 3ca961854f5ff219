// outputs: list a job's output files, or download them all with -D DIR (a progress line on stderr).
import path from 'node:path';
import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { color, formatBytes, table } from '../output.js';

export function registerOutputs(program: Command, run: (fn: (ctx: Ctx) => Promise<number>) => Promise<void>): void {
  program
    .command('outputs')
    .description("list a job's output files, or download them with -D DIR")
    .argument('<id>', 'job id')
    .option('-D, --download <dir>', 'download every output file into this folder')
    .action((jobId: string, flags: { download?: string }) =>
      run(async (ctx) => {
        const sdk = ctx.sdk();
        const files = await sdk.jobs.outputs(jobId);
        if (!flags.download) {
          if (ctx.out.mode === 'json') ctx.out.json(files);
          else if (ctx.out.mode === 'jsonl') for (const f of files) ctx.out.json(f);
          else if (!files.length) ctx.out.note(`job ${jobId} has no output files`);
          else for (const line of table(files.map((f) => [f.filename, formatBytes(f.size_bytes), color.dim(f.content_type)]))) ctx.out.line(line);
          return 0;
        }
        const root = path.resolve(flags.download);
        const total = files.reduce((n, f) => n + f.size_bytes, 0);
        const live = ctx.out.stderrIsTty;
        let done = 0;
        const written: { filename: string; path: string; size_bytes: number }[] = [];
        for (const [i, f] of files.entries()) {
          const dest = path.resolve(root, f.filename);
          if (!dest.startsWith(root + path.sep)) throw new UsageError(`output ${f.filename} would be written outside ${root}`);
          const progress = (received: number) => {
            const line = `downloading ${i + 1}/${files.length} ${f.filename} · ${formatBytes(done + received)} of ${formatBytes(total)}`;
            if (live) process.stderr.write(`\r\x1b[2K${line}`);
          };
          if (!live) ctx.out.note(`downloading ${i + 1}/${files.length} ${f.filename} (${formatBytes(f.size_bytes)})`);
          const got = await sdk.jobs.download(jobId, f.filename, dest, { onProgress: progress });
          done += got.size_bytes;
          written.push({ filename: f.filename, path: dest, size_bytes: got.size_bytes });
        }
        if (live) process.stderr.write(`\r\x1b[2K`);
        ctx.out.note(`downloaded ${files.length} file(s), ${formatBytes(done)} into ${root}`);
        if (ctx.out.mode === 'json') ctx.out.json(written);
        else if (ctx.out.mode === 'jsonl') for (const w of written) ctx.out.json(w);
        else for (const w of written) ctx.out.line(w.path);
        return 0;
      }),
    );
}
