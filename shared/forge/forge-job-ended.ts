// The notifier's one call into the forge intake: for a job GitHub started, link the pull request its
// delivery opened to its session and edit the reply comment. Other jobs pay nothing (the module
// under it, and Octokit, load only for a GitHub job).
import type { Firestore } from '@google-cloud/firestore';
import type { Config } from '../config.js';
import type { ResultMessage } from '../jobs/result-message.js';
import type { Logger } from '../logging.js';

export interface ForgeEndDeps {
  config: Config;
  log: Logger;
  firestore?: Firestore;
}

export async function forgeJobEnded(deps: ForgeEndDeps, result: ResultMessage): Promise<void> {
  if (result.metadata?.forge !== 'github' || !deps.firestore) return;
  const [{ githubJobEnded }, { githubApiFor }, { githubJobId }] = await Promise.all([import('./github-job-ended.js'), import('./github-client.js'), import('./job-from-event.js')]);
  // Metadata anyone may set on POST /jobs; a job the intake made has the id its delivery derives.
  const deliveryId = result.metadata.delivery_id;
  if (!deliveryId || githubJobId(deliveryId) !== result.job_id) return;
  await githubJobEnded({ ...deps, firestore: deps.firestore, github: (cloneUrl) => githubApiFor(deps.config, cloneUrl) }, result);
}
