// The Dockerfile (no container engine exists here to build it): it builds for linux/amd64, copies
// exactly what `npm run build` makes, its build context keeps what the build reads and nothing
// secret, and the image can start every entry point (the worker, each function target through the
// Functions Framework, as Terraform runs the processors).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ignore from 'ignore';
import { loadTerraform, nested, resource } from './terraform-config.js';
import { repoRoot } from './terraform-config.js';

const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const instructions = dockerfile.split('\n').filter((l) => /^[A-Z]+\s/.test(l));
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; scripts: Record<string, string> };
const contextFilter = ignore().add(readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8'));

describe('the Dockerfile builds an image that runs every entry point', () => {
  it('builds both stages for linux/amd64, where npm installs the codex binary (and its bubblewrap) for that platform', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    assert.equal(froms.length, 2);
    for (const from of froms) assert.match(from, /^FROM --platform=linux\/amd64 node:22-/);
    const lock = readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8');
    assert.match(lock, /"node_modules\/@openai\/codex-linux-x64"/, 'the lockfile has the linux x64 codex package');
  });

  it('copies into the runtime image only what the build stage made, and the build made it', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY '));
    assert.deepEqual(copies, ['COPY package.json package-lock.json ./', 'COPY . .', 'COPY package.json package-lock.json ./', 'COPY --from=build /app/dist ./dist']);
    assert.match(dockerfile, /RUN npm run build\n/);
    assert.match(dockerfile, /RUN npm ci --omit=dev/);
    // What the image starts from dist/ exists after `npm run build` here (the same build).
    const entries = [pkg.main, 'dist/functions/worker.js', ...[...readFileSync(path.join(repoRoot, 'functions/index.ts'), 'utf8').matchAll(/'\.\/([\w-]+)\/index\.js'/g)].map((m) => `dist/functions/${m[1]}/index.js`), 'dist/console/index.html'];
    assert.ok(entries.length >= 9);
    for (const file of entries) assert.ok(existsSync(path.join(repoRoot, file)), `${file}: the image runs it, the build must make it`);
    assert.match(dockerfile, /CMD \["node", "dist\/functions\/worker\.js"\]/);
  });

  it('runs the functions through the production Functions Framework, as Terraform starts the processors', async () => {
    assert.ok(pkg.dependencies['@google-cloud/functions-framework'], 'a production dependency: npm ci --omit=dev installs it');
    assert.ok(pkg.dependencies['@openai/codex']);
    assert.ok(existsSync(path.join(repoRoot, 'node_modules/.bin/functions-framework')));
    assert.match(dockerfile, /^WORKDIR \/app$/m);
    const tf = await loadTerraform();
    const container = nested(nested(resource(tf, 'google_cloud_run_v2_service', 'codex'), 'template'), 'containers');
    assert.deepEqual(container.command, ['/app/node_modules/.bin/functions-framework']);
    assert.deepEqual(container.args, ['--target=${each.value.entry_point}', '--signature-type=http']);
  });

  it('keeps what the build reads in the context, and state, secrets and other machines’ builds out', () => {
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'console/tsconfig.json', 'functions/index.ts', 'functions/worker.ts', 'shared/config.ts', 'client/sdk/index.ts', 'dev/build-console-assets.ts', 'test/support/run-tests.ts', 'bench/run.ts'];
    for (const file of needed) {
      assert.ok(existsSync(path.join(repoRoot, file)), `${file} exists`);
      assert.equal(contextFilter.ignores(file), false, `${file} is needed by npm run build`);
    }
    const kept_out = [
      'terraform/main.tf', 'terraform/terraform.tfstate', 'terraform/terraform.tfstate.backup', 'terraform/.terraform/providers/x', 'terraform/prod.tfvars', 'terraform/.build/codex-jobs-source.zip',
      'some/dir/terraform.tfstate', 'node_modules/x/index.js', 'client/node_modules/x', 'dist/functions/index.js', '.env', '.env.local', 'shared/.env',
      'key.pem', 'secrets/sa-key.json', 'service-account.json', '.npmrc', '.git/config', 'npm-debug.log',
    ];
    for (const file of kept_out) assert.equal(contextFilter.ignores(file), true, `${file} must stay out of the build context`);
  });
});
