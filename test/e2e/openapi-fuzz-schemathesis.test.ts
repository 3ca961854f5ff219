// Schemathesis (from PyPI, a pinned version in a venv the project makes: test/support/ensure-schemathesis.ts)
// against the API, driven by its own OpenAPI document: every check (`--checks all`: no 5xx, status codes,
// content types, headers and bodies as documented, bad input refused, good input accepted, auth,
// resources that exist after they are made and not after they are gone), and the stateful phase that
// follows the document's links (POST /jobs → GET /jobs/{id} → cancel, rerun, changes). Bounded: a
// fixed seed, a few examples per operation, and a time guard. Prints how many cases it ran.
//
// The API is the enqueue function's handler served by the Functions Framework (as deployed), in this
// process, with a high rate limit, and callback/git hosts resolved to a documentation address (no
// DNS leaves the machine). No processor runs: jobs stay queued, so `?wait=` is answered at its end.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startApi, KEYS, type ApiServer } from '../integration/api/support/api-server.js';
import { ensureSchemathesis } from '../support/ensure-schemathesis.js';

const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 10);
const SEED = process.env.SCHEMATHESIS_SEED ?? '20261206';
/** A guard only: the run takes about a minute. */
const GUARD_MS = 6 * 60_000;

let api: ApiServer;
let st: string;
let dir: string;
before(async () => {
  st = await ensureSchemathesis((line) => console.log(line));
  api = await startApi({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
  await Promise.all([api.env.config.UPLOADS_BUCKET, api.env.config.RESULTS_BUCKET].map((b) => api.env.storage.createBucket(b)));
  dir = mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
});
after(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runSchemathesis(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(st, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1', COLUMNS: '160', SCHEMATHESIS_HOOKS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), GUARD_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

test('Schemathesis finds no difference between the API and its OpenAPI document (all checks, stateful phase included)', async () => {
  const report = path.join(dir, 'report.json');
  const { code, output } = await runSchemathesis([
    'run',
    `${api.url}/openapi.json`,
    '--url',
    api.url,
    '--header',
    `X-API-Key: ${KEYS.alice}`,
    '--checks',
    'all',
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--max-examples',
    String(MAX_EXAMPLES),
    '--seed',
    SEED,
    '--workers',
    '2',
    '--request-timeout',
    '90',
    // POST /jobs?wait=60 is documented to wait up to 60 s for a job that ends (none does here).
    '--max-response-time',
    '70',
    '--report',
    'json',
    '--report-json-path',
    report,
  ]);
  writeFileSync(path.join(os.tmpdir(), 'schemathesis-last-output.txt'), output);
  console.log(output.slice(-6000));
  assert.equal(code, 0, 'schemathesis reported failures (above)');
  const summary = JSON.parse(readFileSync(report, 'utf8')) as unknown;
  writeFileSync(path.join(os.tmpdir(), 'schemathesis-last-report.json'), JSON.stringify(summary));
});
