// submit's delivery flags → JobRequest `delivery` (see Delivery): --branch, --pr and the pull
// request's --pr-title, --pr-body, --draft/--no-draft, --pr-base, and --commit-message. Delivery takes
// a git workspace (the API answers 400 otherwise); the CLI says so before anything is sent.
import type { Command } from 'commander';
import type { JobCreateRequest } from '../../sdk/types.js';
import { UsageError } from '../exit-codes.js';

export type DeliveryRequest = NonNullable<JobCreateRequest['delivery']>;

export interface DeliveryFlags {
  branch?: string;
  pr?: boolean;
  prTitle?: string;
  prBody?: string;
  draft?: boolean;
  prBase?: string;
  commitMessage?: string;
  git?: string;
}

export function addDeliveryOptions(command: Command): Command {
  return command
    .option('--branch <name>', 'delivery.branch: commit the changes on this branch and push it (default codex-jobs/<job id>)')
    .option('--pr', 'delivery.pull_request: also open a pull request (GitHub) or merge request (GitLab)')
    .option('--pr-title <title>', 'the pull request title (with --pr)')
    .option('--pr-body <text>', 'text before the generated pull request body (with --pr)')
    .option('--draft', 'open the pull request as a draft (the default, with --pr)')
    .option('--no-draft', 'open the pull request ready for review (with --pr)')
    .option('--pr-base <branch>', 'the branch the pull request targets (default: the --git ref, else the default branch)')
    .option('--commit-message <text>', 'delivery.commit_message: the message of the commit');
}

/** The `delivery` of the request, or undefined when no delivery flag was given. */
export function deliveryFrom(flags: DeliveryFlags): DeliveryRequest | undefined {
  const prDetails: [string, unknown][] = [['--pr-title', flags.prTitle], ['--pr-body', flags.prBody], ['--draft/--no-draft', flags.draft], ['--pr-base', flags.prBase]];
  const givenDetails = prDetails.filter(([, v]) => v !== undefined).map(([name]) => name);
  if (!flags.pr && givenDetails.length) throw new UsageError(`${givenDetails.join(', ')} shape the pull request: add --pr`);
  if (flags.branch === undefined && !flags.pr && flags.commitMessage === undefined) return undefined;
  if (!flags.git) throw new UsageError('--branch, --pr and --commit-message deliver the changes of a git workspace: add --git URL[#REF]');
  for (const [flag, value] of [['--branch', flags.branch], ['--pr-title', flags.prTitle], ['--pr-base', flags.prBase], ['--commit-message', flags.commitMessage]] as const) {
    if (value !== undefined && !value.trim()) throw new UsageError(`${flag} takes a non-empty value`);
  }
  const details = {
    ...(flags.prTitle !== undefined ? { title: flags.prTitle } : {}),
    ...(flags.prBody !== undefined ? { body: flags.prBody } : {}),
    ...(flags.draft !== undefined ? { draft: flags.draft } : {}),
    ...(flags.prBase !== undefined ? { base: flags.prBase } : {}),
  };
  return {
    ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
    ...(flags.pr ? { pull_request: Object.keys(details).length ? details : true } : {}),
    ...(flags.commitMessage !== undefined ? { commit_message: flags.commitMessage } : {}),
  } as DeliveryRequest;
}
