// GET /openapi.json: a valid OpenAPI 3.1 document (checked by Redocly's validator) that documents
// exactly the routes the API serves, generated from the zod schemas the handlers use.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { API_ROUTES } from '../../../shared/api/api-app.js';
import { openApiPath } from '../../../shared/api/openapi.js';
import { startApi, type ApiServer } from './support/api-server.js';
import { assertResponsesMatchDocument } from './support/openapi-conformance.js';

let api: ApiServer;
before(async () => {
  api = await startApi();
});
after(() => api.close());

type Doc = { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };

test('the document is OpenAPI 3.1 and passes the validator with no errors', async () => {
  const res = await api.call<Doc>('GET', '/openapi.json');
  assert.equal(res.status, 200);
  assert.equal(res.body.openapi, '3.1.0');
  const config = await createConfig({ extends: ['recommended'] } as never);
  const problems = await lintFromString({ source: res.text, absoluteRef: '/served/openapi.json', config });
  const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
  assert.deepEqual(errors, []);
});

test('it documents exactly the routes the API serves, with the job schemas as components', async () => {
  const doc = (await api.call<Doc>('GET', '/openapi.json')).body;
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
  const served = API_ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).sort();
  assert.deepEqual(documented, served);
  for (const name of ['Job', 'JobRequest', 'SubmitResponse', 'JobList', 'OutputList', 'QueueStats', 'Health', 'Changes', 'UploadCreated', 'UploadReceived', 'Environment', 'EnvironmentList', 'EnvironmentSpec', 'Error']) assert.ok(doc.components.schemas[name], `component ${name}`);
  const request = doc.components.schemas.JobRequest as { additionalProperties?: unknown; required?: string[]; properties: Record<string, unknown> };
  assert.equal(request.additionalProperties, false, 'JobRequest is strict');
  assert.deepEqual(request.required, ['prompt']);
  assert.deepEqual(Object.keys(request.properties).sort(), ['callback_url', 'delivery', 'environment', 'max_total_tokens', 'metadata', 'output_schema', 'priority', 'prompt', 'session_id', 'timeout_ms', 'workspace']);
});

test('the conformance check rejects a body that does not match and a status that is not documented', async () => {
  await assert.rejects(
    assertResponsesMatchDocument([{ method: 'GET', path: '/jobs/abc', status: 200, contentType: 'application/json', body: { job_id: 'abc' } }]),
    /do not match/,
  );
  await assert.rejects(assertResponsesMatchDocument([{ method: 'GET', path: '/jobs/abc', status: 418, contentType: 'application/json', body: {} }]), /not documented/);
  await assert.rejects(
    assertResponsesMatchDocument([{ method: 'GET', path: '/health', status: 200, contentType: 'application/json', body: { status: 'healthy', version: '1', checks: { firestore: 'ok', pubsub: 'ok' }, extra: 1 } }]),
    /do not match/,
  );
});

test('every response in this file matches the document', async () => {
  assert.ok((await assertResponsesMatchDocument()) >= 2);
});
