// The settings Terraform takes from variables (local.from_variables in terraform/main.tf): each
// variable's default is the code's default, and its validation accepts exactly what the config does
// (long_job_timeout_seconds is stricter below: never under the push lanes' ceiling).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PUSH_LANE_MAX_JOB_TIMEOUT_MS, parseConfig } from '../../../shared/config.js';
import { loadTerraform, nested, type TerraformConfig } from './terraform-config.js';
import type { EnvName } from './function-env.js';

const defaults = parseConfig({});

interface Setting {
  env: EnvName;
  variable: string;
  /** The environment value of a variable value, as the expression in from_variables makes it. */
  render: (value: unknown) => string;
}

/** Reads `${tostring(var.x)}`, `${tostring(var.x * 1000)}`, `${join(",", var.x)}`, `${var.x ? "1" : "0"}` and `${var.x}` (a string). */
function setting(env: string, expression: string): Setting {
  const variable = /var\.([a-z_]+)/.exec(expression)?.[1];
  assert.ok(variable, `from_variables.${env}: no variable in ${expression}`);
  const scale = /\* (\d+)\)/.exec(expression);
  let render: Setting['render'];
  if (expression.startsWith('${tostring(')) render = (v) => String(Number(v) * (scale ? Number(scale[1]) : 1));
  else if (expression.startsWith('${join(",", ')) render = (v) => (v as string[]).join(',');
  else if (/\? "1" : "0"\}$/.test(expression)) render = (v) => (v ? '1' : '0');
  else if (/^\$\{var\.[a-z_]+\}$/.test(expression)) render = (v) => String(v);
  else throw new Error(`from_variables.${env}: unexpected expression ${expression}`);
  return { env: env as EnvName, variable, render };
}

/** The numeric bounds of a variable's validation (`>= MIN && <= MAX`), when it has them. */
function bounds(tf: TerraformConfig, variable: string): [number, number] | undefined {
  const block = tf.variables[variable]!;
  if (!block.validation) return undefined;
  const condition = String(nested(block, 'validation').condition);
  const min = new RegExp(`var\\.${variable} >= (\\d+)`).exec(condition);
  const max = new RegExp(`var\\.${variable} <= (\\d+)`).exec(condition);
  return min && max ? [Number(min[1]), Number(max[1])] : undefined;
}

describe('terraform settings from variables', () => {
  let tf: TerraformConfig;
  let settings: Setting[];
  before(async () => {
    tf = await loadTerraform();
    settings = Object.entries(tf.locals.from_variables as Record<string, string>).map(([env, expr]) => setting(env, expr));
  });

  it('sets the workspace, git, output, long-lane, processor, sweep, webhook resend, environment and usage settings', () => {
    assert.deepEqual(settings.map((s) => s.env).sort(), [
      'ALLOW_INSECURE_GIT', 'ENV_CACHE_MAX_BYTES', 'ENV_CACHE_TTL_DAYS', 'FORGE_HOSTS', 'GITHUB_APP_ID', 'GITHUB_REPOS', 'GIT_ALLOWLIST', 'GIT_AUTHOR', 'MAX_LONG_JOB_TIMEOUT_MS', 'MODEL_PRICES', 'NETWORK_PRIVATE_ALLOWLIST', 'OUTPUT_MAX_BYTES', 'OUTPUT_MAX_FILES',
      'PROCESSOR_CONCURRENCY', 'QUOTAS', 'SWEEP_BATCH', 'TRIGGER_LABEL', 'TRIGGER_PHRASE', 'WEBHOOK_RESEND_AFTER_MS', 'WORKSPACE_MAX_BYTES', 'WORKSPACE_MAX_FILES',
    ]);
  });

  it('passes quotas and model_prices through as written, strings that default to empty', () => {
    for (const [variable, env] of [['quotas', 'QUOTAS'], ['model_prices', 'MODEL_PRICES']] as const) {
      assert.equal(tf.variables[variable]!.type, '${string}');
      assert.equal(tf.variables[variable]!.default, '');
      assert.equal((tf.locals.from_variables as Record<string, string>)[env], `\${var.${variable}}`);
    }
    // A value terraform passes on is what the config parses.
    assert.deepEqual(parseConfig({ QUOTAS: '*:tokens_per_day=1000;ci:concurrent_jobs=2' }).QUOTAS.get('ci'), { concurrent_jobs: 2 });
  });

  it("defaults each variable to the code's default", () => {
    for (const s of settings) {
      const value = s.render(tf.variables[s.variable]!.default);
      assert.deepEqual(parseConfig({ [s.env]: value })[s.env], defaults[s.env], `${s.variable} → ${s.env}=${value}`);
    }
  });

  it('validates numbers within the bounds the config accepts', () => {
    // The long lane's ceiling may not be below the push lanes'; test it against the highest push ceiling.
    const base = { MAX_JOB_TIMEOUT_MS: String(PUSH_LANE_MAX_JOB_TIMEOUT_MS) };
    for (const s of settings) {
      const b = bounds(tf, s.variable);
      if (tf.variables[s.variable]!.type !== '${number}') continue;
      assert.ok(b, `${s.variable}: a number needs a validation with both bounds`);
      const [min, max] = b;
      for (const ok of [min, max]) assert.doesNotThrow(() => parseConfig({ ...base, [s.env]: s.render(ok) }), `${s.variable} = ${ok}`);
      assert.throws(() => parseConfig({ ...base, [s.env]: s.render(max + 1) }), new RegExp(s.env), `${s.variable} = ${max + 1}`);
      if (s.variable !== 'long_job_timeout_seconds') assert.throws(() => parseConfig({ ...base, [s.env]: s.render(min - 1) }), new RegExp(s.env), `${s.variable} = ${min - 1}`);
    }
    assert.deepEqual(bounds(tf, 'long_job_timeout_seconds'), [PUSH_LANE_MAX_JOB_TIMEOUT_MS / 1000, 86_400]);
  });
});
