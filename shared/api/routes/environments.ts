// PUT/GET/DELETE /environments/{name}, GET /environments: an owner's environments (contract v4).
// Secrets are write-only: sealed with ENV_SECRETS_KEY before they are stored, shown by name only,
// never logged. Another owner's environment is a 404, as an unknown one is.
import { environmentNameSchema, environmentSpecSchema } from '../../environment/environment-spec.js';
import { specWithSecretNames, type EnvironmentView } from '../../environment/environment-schemas.js';
import type { StoredEnvironment } from '../../environment/environment-store.js';
import { sealSecrets, SecretsError } from '../../environment/secret-box.js';
import { firestoreSize } from '../../jobs/firestore-limits.js';
import { describeIssues } from '../../jobs/job-request.js';
import { ApiError } from '../api-error.js';
import { jsonBody } from '../request-body.js';
import type { Route, RouteContext } from '../router.js';

/** The most an environment may take in Firestore (spec and sealed secrets), so a job can carry a copy of it. */
export const MAX_ENVIRONMENT_BYTES = 192 * 1024;

export function environmentView(env: StoredEnvironment): EnvironmentView {
  return { name: env.name, ...env.spec, created_at: env.created_at, updated_at: env.updated_at };
}

function nameParam(ctx: RouteContext): string {
  const name = ctx.params.name!;
  const parsed = environmentNameSchema.safeParse(name);
  if (!parsed.success) {
    const message = `name: ${parsed.error.issues[0]!.message}`;
    throw new ApiError('bad_request', message, [{ field: 'name', message }]);
  }
  return parsed.data;
}

function notFound(name: string): ApiError {
  return new ApiError('not_found', `environment ${name} not found`);
}

async function putEnvironment(ctx: RouteContext): Promise<void> {
  const { deps, caller } = ctx;
  const name = nameParam(ctx);
  const parsed = environmentSpecSchema.safeParse(jsonBody(ctx.req));
  if (!parsed.success) {
    const details = describeIssues(parsed.error);
    throw new ApiError('bad_request', `invalid environment: ${details.map((d) => d.message).join('; ')}`, details);
  }
  const spec = parsed.data;
  let sealed;
  try {
    sealed = sealSecrets(spec.secrets, deps.config.ENV_SECRETS_KEY);
  } catch (err) {
    if (!(err instanceof SecretsError)) throw err;
    const message = 'secrets: this server has no ENV_SECRETS_KEY configured, so it cannot store secrets; ask its operator, or leave secrets out';
    throw new ApiError('bad_request', message, [{ field: 'secrets', message }]);
  }
  const stored = specWithSecretNames(spec);
  const size = firestoreSize(stored) + firestoreSize(sealed);
  if (size > MAX_ENVIRONMENT_BYTES) {
    const message = `the environment takes ${size} bytes stored (at most ${MAX_ENVIRONMENT_BYTES}); make setup, env or secrets smaller`;
    throw new ApiError('bad_request', message, [{ field: '(body)', message }]);
  }
  await ctx.admit();
  const put = await deps.environments.put(caller.name, name, stored, sealed);
  if (put.outcome === 'too_many') throw new ApiError('conflict', `you have ${put.limit} environments, the most one key may have; delete one first`);
  // Names only: a secret's value never reaches a log line.
  ctx.log.info(put.outcome === 'created' ? 'environment created' : 'environment replaced', { owner: caller.name, environment: name, secrets: stored.secrets.length });
  await ctx.send(put.outcome === 'created' ? 201 : 200, environmentView(put.environment));
}

async function getEnvironment(ctx: RouteContext): Promise<void> {
  const name = nameParam(ctx);
  const env = await ctx.deps.environments.get(ctx.caller.name, name);
  if (!env) throw notFound(name);
  await ctx.send(200, environmentView(env));
}

async function listEnvironments(ctx: RouteContext): Promise<void> {
  const envs = await ctx.deps.environments.list(ctx.caller.name);
  await ctx.send(200, { environments: envs.map(environmentView) });
}

async function deleteEnvironment(ctx: RouteContext): Promise<void> {
  const name = nameParam(ctx);
  await ctx.admit();
  if (!(await ctx.deps.environments.delete(ctx.caller.name, name))) throw notFound(name);
  ctx.log.info('environment deleted', { owner: ctx.caller.name, environment: name });
  ctx.res.status(204).end();
}

export const environmentRoutes: Route[] = [
  { method: 'GET', path: '/environments', handle: listEnvironments },
  { method: 'PUT', path: '/environments/:name', handle: putEnvironment },
  { method: 'GET', path: '/environments/:name', handle: getEnvironment },
  { method: 'DELETE', path: '/environments/:name', handle: deleteEnvironment },
];
