// `npm run check:terraform` (also part of `npm test`): the Terraform in terraform/ checked by a real
// validator. OpenTofu and the google and archive providers are built once from the Go module proxy
// into the cache folder (no binary or provider download is reachable here), then:
//   tofu fmt -check   →   tofu validate   →   tofu test (mock_provider plans the whole configuration,
//   terraform/tests/*.tftest.hcl asserting each deploy finding stays fixed)
// Any failure prints the validator's own message and exits 1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGoBinary, type GoBinary } from './go-binaries.js';
import { PrerequisiteError } from './prerequisite-error.js';

/** The versions that validated this configuration (docs/DEPLOY.md names them too). */
export const TERRAFORM_TOOLS = {
  tofu: { name: 'tofu', module: 'github.com/opentofu/opentofu', version: 'v1.10.6', how: 'build-in-module', pkg: './cmd/tofu', about: 'about 4 minutes' },
  // The provider's main branch of 2026-08-28: its release tags are not valid Go module versions.
  google: { name: 'terraform-provider-google', module: 'github.com/hashicorp/terraform-provider-google', version: 'v1.20.1-0.20260828184646-f3721fb45fa3', how: 'install', about: 'about 4 minutes' },
  archive: { name: 'terraform-provider-archive', module: 'github.com/hashicorp/terraform-provider-archive', version: 'v1.3.1-0.20260727144921-44050a6fd1aa', how: 'build-in-module', pkg: '.', about: 'under a minute' },
  // time_sleep (monitoring.tf). A release tag, which is a valid module version here.
  time: { name: 'terraform-provider-time', module: 'github.com/hashicorp/terraform-provider-time', version: 'v0.14.2', how: 'build-in-module', pkg: '.', about: 'about a minute' },
} as const satisfies Record<string, GoBinary>;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const terraformDir = path.join(repoRoot, 'terraform');

interface Step {
  what: string;
  args: string[];
}

const STEPS: Step[] = [
  { what: 'format', args: ['fmt', '-check', '-recursive', '-diff', '-no-color'] },
  { what: 'validate', args: ['validate', '-no-color'] },
  { what: 'plan with mocked providers', args: ['test', '-no-color'] },
];

function main(): number {
  const log = (line: string) => console.log(`check:terraform: ${line}`);
  let bins: Record<keyof typeof TERRAFORM_TOOLS, string>;
  try {
    bins = {
      tofu: ensureGoBinary(TERRAFORM_TOOLS.tofu, log),
      google: ensureGoBinary(TERRAFORM_TOOLS.google, log),
      archive: ensureGoBinary(TERRAFORM_TOOLS.archive, log),
      time: ensureGoBinary(TERRAFORM_TOOLS.time, log),
    };
  } catch (err) {
    console.error(`check:terraform: ${err instanceof PrerequisiteError ? err.message : (err as Error).stack}`);
    return 1;
  }
  if (!existsSync(path.join(repoRoot, 'dist', 'functions', 'index.js'))) {
    console.error('check:terraform: dist/functions/index.js is missing: run `npm run build` first (the plan packs dist/).');
    return 1;
  }
  // dev_overrides point tofu at the providers we built, so no registry and no `tofu init` is needed.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'codex-jobs-tofu-'));
  try {
    const cliConfig = path.join(tmp, 'tofu.rc');
    writeFileSync(
      cliConfig,
      `provider_installation {\n  dev_overrides {\n    "hashicorp/google"  = ${JSON.stringify(path.dirname(bins.google))}\n    "hashicorp/archive" = ${JSON.stringify(path.dirname(bins.archive))}\n    "hashicorp/time"    = ${JSON.stringify(path.dirname(bins.time))}\n  }\n  direct {}\n}\n`,
    );
    const env = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_DATA_DIR: path.join(tmp, 'data') };
    for (const step of STEPS) {
      const started = Date.now();
      const r = spawnSync(bins.tofu, step.args, { cwd: terraformDir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
      if (r.status !== 0) {
        console.error(`check:terraform: ${step.what} FAILED (tofu ${step.args.join(' ')}):\n${output || String(r.error)}`);
        return 1;
      }
      const summary = output.split('\n').filter((l) => /Success|passed|failed/.test(l)).pop();
      log(`${step.what}: ok in ${Date.now() - started} ms${summary ? ` (${summary.trim()})` : ''}`);
    }
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

process.exit(main());
