// The words of a delivery: the commit message, and the pull request's title and body (the request's
// own body first, a `Closes #N` say, then the job's final message, its change stats and its id).
import type { ChangeStats } from '../workspace/workspace-schemas.js';

const SUBJECT_MAX = 72;

/** The first line of the final message (cut at 72 characters), else a name made of the job id. */
export function subjectOf(finalMessage: string, jobId: string): string {
  const line = finalMessage
    .split('\n')
    .map((l) => l.replace(/^[#>*\-\s]+/, '').trim())
    .find(Boolean);
  if (!line) return `codex-jobs: changes of job ${jobId.slice(0, 8)}`;
  return line.length > SUBJECT_MAX ? `${line.slice(0, SUBJECT_MAX - 1)}…` : line;
}

export function commitMessage(subject: string, jobId: string): string {
  return `${subject}\n\ncodex-jobs job ${jobId}`;
}

export function statsLine(stats: ChangeStats | undefined): string {
  if (!stats) return 'changes: not computed';
  const files = `${stats.files_changed} file${stats.files_changed === 1 ? '' : 's'} changed`;
  return `${files}, ${stats.insertions} insertion${stats.insertions === 1 ? '' : 's'}(+), ${stats.deletions} deletion${stats.deletions === 1 ? '' : 's'}(-)`;
}

/** GitHub takes bodies up to 65536 characters; GitLab's are longer. The final message is cut to fit. */
const BODY_MAX = 60_000;

export function pullRequestBody(parts: { lead?: string | undefined; finalMessage: string; stats: ChangeStats | undefined; jobId: string }): string {
  const footer = `---\n${statsLine(parts.stats)}\nJob: \`${parts.jobId}\``;
  const lead = parts.lead?.trim() ? `${parts.lead.trim()}\n\n` : '';
  const room = Math.max(0, BODY_MAX - lead.length - footer.length - 4);
  const message = parts.finalMessage.trim().length > room ? `${parts.finalMessage.trim().slice(0, room)}…` : parts.finalMessage.trim();
  return `${lead}${message ? `${message}\n\n` : ''}${footer}`;
}
