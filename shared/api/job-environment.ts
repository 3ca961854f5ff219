// The `environment` of a job request at submit: a name becomes a copy of the owner's environment
// (its sealed secrets copied as they are), an inline spec gets its secrets sealed the same way. The
// job keeps what it was given, so a later PUT or DELETE does not change a queued job. Each refusal is
// a 400 naming `environment`.
import { jobEnvironmentOf } from '../environment/environment-schemas.js';
import { sealSecrets, SecretsError } from '../environment/secret-box.js';
import { firestoreSize, MAX_STORED_REQUEST_BYTES } from '../jobs/firestore-limits.js';
import type { ResolvedEnvironment } from '../jobs/job-document.js';
import type { JobRequest } from '../jobs/job-request.js';
import type { ApiDeps } from './api-deps.js';
import { ApiError } from './api-error.js';

function refuse(field: string, message: string): ApiError {
  return new ApiError('bad_request', message, [{ field, message }]);
}

export async function resolveJobEnvironment(deps: Pick<ApiDeps, 'environments' | 'config'>, owner: string, request: JobRequest): Promise<ResolvedEnvironment | null> {
  const given = request.environment;
  if (given === undefined) return null;
  let resolved: ResolvedEnvironment;
  if (typeof given === 'string') {
    const stored = await deps.environments.get(owner, given);
    if (!stored) throw refuse('environment', `environment: ${given} is not an environment of yours (make it with PUT /environments/${given})`);
    resolved = { environment: { name: stored.name, ...stored.spec }, environment_secrets: stored.sealed_secrets };
  } else {
    try {
      resolved = { environment: jobEnvironmentOf(given, null), environment_secrets: sealSecrets(given.secrets, deps.config.ENV_SECRETS_KEY) };
    } catch (err) {
      if (err instanceof SecretsError) throw refuse('environment.secrets', 'environment.secrets: this server has no ENV_SECRETS_KEY configured, so it cannot take secrets; ask its operator, or leave secrets out');
      throw err;
    }
  }
  // The job document carries the copy: with the rest of the request it must fit what a job may store.
  const { environment: _given, ...rest } = request;
  const total = firestoreSize(rest) + firestoreSize(resolved.environment) + firestoreSize(resolved.environment_secrets);
  if (total > MAX_STORED_REQUEST_BYTES) throw refuse('environment', `environment: with it the job takes ${total} bytes in Firestore (at most ${MAX_STORED_REQUEST_BYTES}); use a smaller prompt or environment`);
  return resolved;
}
