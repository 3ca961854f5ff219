// Tracing off costs nothing: a function module loads no OpenTelemetry SDK, exporter or context
// manager (only @opentelemetry/api, a no-op without a provider). Hooks in a child process refuse
// those modules, by name or, inside the function's bundle, by the chunk that holds them; the enqueue function's entry must load without them, and with an OTLP
// endpoint set the same hook must see them asked for (so the check can fail).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, it } from 'node:test';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'tracing-off-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const hooks = path.join(dir, 'hooks.mjs');
writeFileSync(hooks, `
const SDK = /^@opentelemetry\\/(?!api$)|^@google-cloud\\/opentelemetry-/;
export async function resolve(specifier, context, next) {
  if (SDK.test(specifier)) throw new Error('SDK module loaded: ' + specifier);
  return next(specifier, context);
}
// A function's bundle holds its packages in chunks that esbuild marks with their source paths.
const SDK_IN_BUNDLE = /\\/\\/ node_modules\\/(@opentelemetry\\/(?!api\\/)[^\\/]+|@google-cloud\\/opentelemetry-[^\\/]+)\\//;
export async function load(url, context, next) {
  const loaded = await next(url, context);
  const found = loaded.source && SDK_IN_BUNDLE.exec(String(loaded.source));
  if (found) throw new Error('SDK module loaded: ' + found[1]);
  return loaded;
}
`);
const register = path.join(dir, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

function loadEnqueue(extraEnv: Record<string, string>) {
  const entry = pathToFileURL(path.join(dist, 'functions/enqueue/index.js')).href;
  return spawnSync(process.execPath, ['--import', pathToFileURL(register).href, '--input-type=module', '-e', `await import(${JSON.stringify(entry)}); console.log('loaded'); process.exit(0);`], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, METADATA_SERVER_DETECTION: 'none', GOOGLE_CLOUD_PROJECT: 'tracing-off', API_KEYS: 'k:secret-key', ...extraEnv },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

it('the enqueue function loads no OpenTelemetry SDK module with tracing off', () => {
  const run = loadEnqueue({});
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /loaded/);
});

it('with OTEL_EXPORTER_OTLP_ENDPOINT set, the same entry asks for the SDK (the hook would have caught it)', () => {
  const run = loadEnqueue({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /SDK module loaded: @opentelemetry\//);
});
