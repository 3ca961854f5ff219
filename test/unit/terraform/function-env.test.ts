// Each function's environment in terraform/functions.tf: every variable its code needs is set or
// wired from Secret Manager, and nothing it does not read (function-env.ts says who reads what).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { envSchema } from '../../../shared/config.js';
import { FUNCTION_ENV, OPTIONAL_IN_GCP, OPTIONAL_SECRET_ENV, REQUIRED_IN_GCP, SECRET_ENV, type EnvName } from './function-env.js';
import { dynamicBlock, loadTerraform, nested, resource, table, type TerraformConfig } from './terraform-config.js';

/** Schema variables without a default (optional, or required outright). */
function withoutDefault(): Set<EnvName> {
  const names = Object.keys(envSchema.shape) as EnvName[];
  return new Set(names.filter((name) => {
    const r = envSchema.shape[name].safeParse(undefined);
    return !r.success || r.data === undefined;
  }));
}

describe('terraform/ function environments match the code', () => {
  let tf: TerraformConfig;
  let functions: Record<string, { env: Record<string, string>; secrets: Record<string, string> }>;
  before(async () => {
    tf = await loadTerraform();
    functions = table(tf, 'functions');
  });

  it('sets or secret-wires every variable a function needs, only for the functions that read it', () => {
    const schemaNames = new Set(Object.keys(envSchema.shape));
    const noDefault = withoutDefault();
    for (const [name, reads] of Object.entries(FUNCTION_ENV)) {
      for (const v of reads) assert.ok(schemaNames.has(v), `function-env.ts: ${v} is not in envSchema`);
      const fn = functions[name]!;
      const env = Object.keys(fn.env);
      const secrets = Object.keys(fn.secrets);
      const required = reads.filter((v) => (noDefault.has(v) || REQUIRED_IN_GCP.includes(v) || SECRET_ENV.includes(v)) && !(v in OPTIONAL_IN_GCP));
      for (const v of required) assert.ok(env.includes(v) || secrets.includes(v), `${name} reads ${v}, which terraform neither sets nor wires from Secret Manager`);
      for (const v of [...env, ...secrets]) assert.ok((reads as readonly string[]).includes(v), `${name} gets ${v}, which it does not read (function-env.ts)`);
      for (const v of SECRET_ENV) assert.ok(!env.includes(v), `${name}: ${v} must be a secret environment variable, not a plain one`);
      for (const v of secrets) assert.ok(SECRET_ENV.includes(v as EnvName), `${name}: ${v} is wired as a secret but is not one`);
      // The API and the notifier read GIT_CREDENTIALS only as the GitHub App's stand-in (terraform/forge.tf).
      for (const secret of Object.values(fn.secrets)) assert.match(secret, /^\$\{(var\.(api_keys|webhook_secret|openai_api_key|git_credentials|env_secrets_key|github_webhook_secret|github_app_private_key)_secret|var\.github_webhook_secret_secret != null && var\.github_app_private_key_secret == null \? var\.git_credentials_secret : null)\}$/);
    }
    // An optional secret's id defaults to null (wired nowhere); the others name a secret.
    for (const [name, variable] of Object.entries(tf.variables).filter(([n]) => n.endsWith('_secret'))) {
      const env = name.replace(/_secret$/, '').toUpperCase() as EnvName;
      assert.ok(SECRET_ENV.includes(env), `${name} holds ${env}, which SECRET_ENV does not list`);
      assert.equal(variable.default === null, OPTIONAL_SECRET_ENV.includes(env), `${name}: default ${JSON.stringify(variable.default)}`);
    }
    const service = nested(resource(tf, 'google_cloudfunctions2_function', 'fn'), 'service_config');
    assert.equal(service.environment_variables, '${each.value.env}');
    const secretVars = dynamicBlock(service, 'secret_environment_variables');
    assert.equal(secretVars.forEach, '${{ for name, secret in each.value.secrets : name => secret if secret != null }}');
    assert.equal(secretVars.content.key, '${secret_environment_variables.key}');
    assert.equal(secretVars.content.secret, '${secret_environment_variables.value}');
    // Each identity may read exactly the secrets wired into its function.
    assert.equal(resource(tf, 'google_secret_manager_secret_iam_member', 'accessor').for_each, '${local.secret_bindings}');
    assert.match(String(tf.locals.identity_secrets), /for fn, spec in local\.functions : fn => spec\.secrets[\s\S]*worker = local\.worker_secrets/);
    assert.match(String(tf.locals.secret_bindings), /for fn, secrets in local\.identity_secrets : \{ for env_name, secret in secrets : "\$\{fn\} \$\{env_name\}" => \{ fn = fn, secret = secret \} if secret != null \}/);
  });

  it('gives QUOTAS to every function that applies a quota (submit, intake, claim) and MODEL_PRICES to those that price a job', () => {
    const gets = (env: string) => Object.entries(functions).filter(([, fn]) => env in fn.env).map(([name]) => name).sort();
    assert.deepEqual(gets('QUOTAS'), ['enqueue', 'processor', 'processor-priority', 'scheduler', 'storage-trigger']);
    assert.deepEqual(gets('MODEL_PRICES'), ['processor', 'processor-priority']);
    // The long lane's worker runs the same claim and pricing (worker_env is processor_env less PROCESSOR_CONCURRENCY).
    assert.equal((tf.locals.processor_env as Record<string, string>).QUOTAS, '${local.from_variables.QUOTAS}');
    assert.equal((tf.locals.processor_env as Record<string, string>).MODEL_PRICES, '${local.from_variables.MODEL_PRICES}');
    assert.match(String(tf.locals.worker_env), /local\.processor_env : name => value if name != "PROCESSOR_CONCURRENCY"/);
  });
});
