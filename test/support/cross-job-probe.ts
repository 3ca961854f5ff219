// Two jobs at once on one host: the "holder" keeps running with marker files in every part of its
// folder (workspace, CODEX_HOME, TMPDIR, HOME, the staged input) and a live process whose cwd is its
// workspace; meanwhile the "prober" tries every path to them. The scripted model's replies are the
// choreography, synchronised on events (a model request arriving), never on time:
//   holder step 0: markers planted, then it starts `sleep` in its workspace;
//   holder step 1: it is running → the prober may probe; its answer waits until the test releases it;
//   prober step 0: its own markers planted (the positive control), then it waits for the holder;
//   prober steps 1…: one probe command each, then its final message.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelReply, ModelRequest } from '../../dev/scripted-model.js';
import { WORKSPACE_PREFIX } from '../../shared/processor/job-workspace.js';

/** Where each marker goes in a job's folder; `input.archive` is where an archive input is staged. */
export const MARKER_FILES = ['input.archive', 'workspace/marker-ws.txt', 'codex-home/marker-codex-home.txt', 'tmp/marker-tmp.txt', 'home/marker-home.txt'];

export interface ProbeCommand {
  cmd: string;
  /** The command names the holder's folder, so its error messages may too (only the marker must not show). */
  namesTarget: boolean;
}

/** Every path from the prober to the holder's files. `target`: the holder's folder; `tmpParent`: the temp dir both live in. */
export function probeCommands(target: string, tmpParent: string): ProbeCommand[] {
  const files = MARKER_FILES.map((f) => `'${target}/${f}'`).join(' ');
  return [
    // The absolute paths, as read, listed and copied into the prober's outputs; and through each pid's root.
    { namesTarget: true, cmd: `cat ${files} 2>&1; ls -la '${target}' '${target}/workspace' 2>&1; mkdir -p stolen && cp -r '${target}/.' stolen/ 2>&1; for p in /proc/[0-9]*; do cat "$p/root${target}/workspace/marker-ws.txt" 2>&1; done; echo probe-absolute-done` },
    // Listing the shared temp parents.
    { namesTarget: false, cmd: `ls -la '${tmpParent}' /tmp /var/tmp /dev/shm 2>&1; echo probe-list-done` },
    // Every visible process's cwd and root.
    { namesTarget: false, cmd: `for p in /proc/[0-9]*; do echo "pid \${p#/proc/}"; ls -a "$p/cwd/" "$p/root${tmpParent}/" 2>&1; cat "$p"/cwd/marker-*.txt 2>&1; done; echo probe-proc-done` },
    // A symlink made inside the prober's workspace.
    { namesTarget: false, cmd: `ln -s '${target}' link-to-other 2>&1; ls -la link-to-other/ link-to-other/workspace/ 2>&1; cat link-to-other/workspace/marker-ws.txt link-to-other/codex-home/marker-codex-home.txt link-to-other/tmp/marker-tmp.txt 2>&1; unlink link-to-other; echo probe-link-done` },
    // Everything findable under the temp areas, and the contents of every marker file found.
    // (The marker files first: a command's event keeps only its first 8 KiB of output.)
    { namesTarget: false, cmd: `find '${tmpParent}' /tmp /var/tmp /dev/shm -name 'marker-*' -type f -exec cat {} + 2>&1 | head -c 200000; find '${tmpParent}' /tmp /var/tmp /dev/shm -maxdepth 2 2>&1 | head -n 100; echo probe-find-done` },
  ];
}

export function findJobRoot(tmpParent: string, jobId: string): string {
  const name = readdirSync(tmpParent).find((n) => n.startsWith(`${WORKSPACE_PREFIX}${jobId.slice(0, 8)}-`));
  if (!name) throw new Error(`no folder of job ${jobId} under ${tmpParent}`);
  return path.join(tmpParent, name);
}

function plant(root: string, marker: string): void {
  for (const f of MARKER_FILES) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), `${marker}\n`);
  }
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export interface CrossJobRun {
  holderPrompt: string;
  proberPrompt: string;
  holderMarker: string;
  proberMarker: string;
  /** The holder's folder, once planted. */
  holderRoot(): string;
  proberRoot(): string;
  /** The probe commands as sent (known once the holder's folder is). */
  commands(): ProbeCommand[];
  /** Resolves when the holder is running (its markers planted, its sleep started). */
  holderRunning: Promise<void>;
  /** Resolves when the prober's turn has started (its app-server is up). */
  proberStarted: Promise<void>;
  /** Names the two jobs (their ids are known once submitted; a reply waits for them). */
  holderIs(jobId: string): void;
  proberIs(jobId: string): void;
  /** Lets the holder finish (call once the prober's job is terminal). */
  releaseHolder(): void;
  /** Files planted outside any job (host /var/tmp and /dev/shm) hold the holder's marker too; removes them. */
  cleanup(): void;
  /** The scripted model's reply for this run's two jobs (undefined for other prompts). */
  reply(request: ModelRequest): Promise<ModelReply | undefined>;
}

/** One run of the choreography; `tmpParent` is the TMPDIR of the processor or worker that runs both jobs. */
export function crossJobRun(tmpParent: string): CrossJobRun {
  const tag = randomUUID().slice(0, 8);
  const holderMarker = `holder-secret-${randomUUID()}`;
  const proberMarker = `prober-own-${randomUUID()}`;
  const running = deferred();
  const started = deferred();
  const release = deferred();
  const holderId = deferred<string>();
  const proberId = deferred<string>();
  let holderRoot = '';
  let proberRoot = '';
  let commands: ProbeCommand[] = [];
  // Outside every job: a job's agent may not see what another left in the host's /var/tmp or /dev/shm.
  const hostFiles = ['/var/tmp', '/dev/shm'].map((d) => path.join(d, `marker-host-${tag}.txt`));
  const holderPrompt = `cross-job holder-${tag}`;
  const proberPrompt = `cross-job prober-${tag}`;
  return {
    holderPrompt,
    proberPrompt,
    holderMarker,
    proberMarker,
    holderRoot: () => holderRoot,
    proberRoot: () => proberRoot,
    commands: () => commands,
    holderRunning: running.promise,
    proberStarted: started.promise,
    holderIs: (jobId) => holderId.resolve(jobId),
    proberIs: (jobId) => proberId.resolve(jobId),
    releaseHolder: () => release.resolve(),
    cleanup: () => hostFiles.forEach((f) => rmSync(f, { force: true })),
    async reply(request) {
      if (request.prompt.includes(holderPrompt)) {
        if (request.step === 0) {
          holderRoot = findJobRoot(tmpParent, await holderId.promise);
          plant(holderRoot, holderMarker);
          for (const f of hostFiles) writeFileSync(f, `${holderMarker}\n`);
          return { kind: 'command', cmd: '(setsid sleep 300 >/dev/null 2>&1 &); echo holder-started' };
        }
        if (request.step === 1) {
          running.resolve();
          // Still running, it reads its own files: the private view keeps them.
          await release.promise;
          return { kind: 'command', cmd: `cat ${MARKER_FILES.map((f) => `'${holderRoot}/${f}'`).join(' ')}; echo holder-reads-its-own` };
        }
        return { kind: 'message', text: 'holder done' };
      }
      if (request.prompt.includes(proberPrompt)) {
        if (request.step === 0) {
          proberRoot = findJobRoot(tmpParent, await proberId.promise);
          plant(proberRoot, proberMarker);
          started.resolve();
          await running.promise;
          commands = probeCommands(holderRoot, tmpParent);
          return { kind: 'command', cmd: commands[0]!.cmd };
        }
        const next = commands[request.step];
        return next ? { kind: 'command', cmd: next.cmd } : { kind: 'message', text: 'prober done' };
      }
      return undefined;
    },
  };
}

export interface JobView {
  status: string;
  stdout: string;
  finalMessage: string;
  outputFiles: string[];
  /** Each command event's command and output, in order. */
  commands: { command: string; output: string }[];
}

/**
 * The prober saw nothing of the holder: no byte of its marker anywhere the prober's job reports,
 * no copied file among its outputs, and no listing that names the holder's folder; while the same
 * commands did see the prober's own files (so they ran and could read). The holder completed and
 * still read its own files at the end. Returns the failures, empty when all hold.
 */
export function crossJobFailures(run: CrossJobRun, holder: JobView, prober: JobView): string[] {
  const failures: string[] = [];
  const holderName = path.basename(run.holderRoot());
  const everything = JSON.stringify(prober);
  if (everything.includes(run.holderMarker)) failures.push(`the prober read the holder's marker: ${excerpt(everything, run.holderMarker)}`);
  const stolen = prober.outputFiles.filter((f) => f.startsWith('stolen/') || f.includes('link-to-other'));
  if (stolen.length) failures.push(`the prober's outputs hold the holder's files: ${stolen.join(', ')}`);
  const probes = run.commands();
  if (prober.commands.length !== probes.length) failures.push(`the prober ran ${prober.commands.length} commands, not the ${probes.length} probes`);
  probes.forEach((probe, i) => {
    const out = prober.commands[i]?.output ?? '';
    if (!/probe-\w+-done/.test(out)) failures.push(`probe ${i} did not finish: ${out.slice(-300)}`);
    if (!probe.namesTarget && out.includes(holderName)) failures.push(`probe ${i} showed the holder's folder ${holderName}: ${excerpt(out, holderName)}`);
  });
  // Positive controls: the listing and find probes see the prober's own folder and read its own marker.
  const proberName = path.basename(run.proberRoot());
  if (!(prober.commands[1]?.output ?? '').includes(proberName)) failures.push(`the listing did not show the prober's own folder ${proberName}`);
  if (!(prober.commands[4]?.output ?? '').includes(run.proberMarker)) failures.push("find did not read the prober's own marker");
  if (prober.status !== 'completed') failures.push(`the prober ended ${prober.status}`);
  if (holder.status !== 'completed') failures.push(`the holder ended ${holder.status}`);
  const ownReads = holder.stdout.split(run.holderMarker).length - 1;
  if (ownReads < MARKER_FILES.length) failures.push(`the holder read ${ownReads} of its ${MARKER_FILES.length} own markers`);
  return failures;
}

function excerpt(text: string, needle: string): string {
  const i = text.indexOf(needle);
  return text.slice(Math.max(0, i - 200), i + needle.length + 100);
}
