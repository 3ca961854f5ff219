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
import { encodeCursor } from '../../shared/api/list-jobs.js';
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
  // The document as the API serves it, read here first: its first build can outlast Schemathesis's
  // 10 s schema-loading timeout on a busy machine.
  const served = await api.call<Record<string, unknown>>('GET', '/openapi.json');
  assert.equal(served.status, 200);
  const spec = path.join(dir, 'openapi.json');
  writeFileSync(spec, served.text);
  // Two inputs no schema can describe whole. The list cursor is opaque (only a next_cursor this API
  // returned is valid): it is given one, and every other parameter of GET /jobs is generated. An upload's
  // body must be a zip or tar archive: random bytes are rightly refused (400), so that one operation is
  // not held to "schema-valid data is accepted"; every other check still runs on it.
  const cursor = encodeCursor({ created_at: '2099-01-01T00:00:00.000Z', job_id: '00000000-0000-4000-8000-000000000000' });
  writeFileSync(
    path.join(dir, 'schemathesis.toml'),
    [
      '[[operations]]',
      'include-name = "GET /jobs"',
      `parameters = { "query.cursor" = "${cursor}" }`,
      '',
      '[[operations]]',
      'include-name = "PUT /uploads/{upload_id}"',
      'checks.positive_data_acceptance.enabled = false',
      '',
    ].join('\n'),
  );
  const report = path.join(dir, 'report.json');
  const { code, output } = await runSchemathesis([
    'run',
    spec,
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
  console.log(output.slice(-8000));
  assert.equal(code, 0, 'schemathesis reported failures (above)');
  const cases = /(\d+) generated/.exec(output)?.[1];
  assert.ok(Number(cases) > 100, `schemathesis ran ${cases} cases`);
  console.log(`schemathesis ran ${cases} cases (seed ${SEED}, at most ${MAX_EXAMPLES} examples per operation and phase)`);
  assert.ok(readFileSync(report, 'utf8').length > 0);
});
