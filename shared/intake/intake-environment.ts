// What a job from a dropped file or a schedule may say about its environment: an inline spec without
// secrets. Those jobs belong to the `storage` and `scheduler` owners, who have no stored environments,
// and a secret written in a file or in terraform/schedules.json would not be a secret.
import type { JobRequest } from '../jobs/job-request.js';

export function intakeEnvironmentProblem(request: Pick<JobRequest, 'environment'>): string | undefined {
  const env = request.environment;
  if (env === undefined) return undefined;
  if (typeof env === 'string') return `environment: "${env}" names a stored environment, which file and schedule jobs cannot use; give the spec inline (without secrets)`;
  if (Object.keys(env.secrets).length > 0) return 'environment.secrets: file and schedule jobs cannot carry secrets (a file or schedule is not a secret store); use an API job with a stored environment';
  return undefined;
}
