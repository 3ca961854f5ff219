// The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the handlers use.
import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { publicJobSchema } from '../jobs/job-document.js';
import { jobRequestSchema } from '../jobs/job-request.js';
import { jobSummarySchema } from '../jobs/job-summary.js';
import type { TimeoutLimits } from '../jobs/job-lane.js';
import {
  errorEnvelopeSchema,
  eventsQuerySchema,
  healthSchema,
  listQuerySchema,
  listResponseSchema,
  outputsResponseSchema,
  queueStatsSchema,
  submitQuerySchema,
  submitResponseSchema,
  uploadCreatedSchema,
  uploadReceivedSchema,
} from './api-schemas.js';
import { changesSchema } from '../workspace/workspace-schemas.js';
import { environmentListSchema, environmentViewSchema } from '../environment/environment-schemas.js';
import { environmentNameSchema, environmentSpecSchema } from '../environment/environment-spec.js';
import { API_ERROR_STATUS, type ApiErrorCode } from './api-error.js';
import { usageReportSchema } from '../usage/usage-report.js';
import { usageQuerySchema } from './routes/usage.js';
import { forgeAnswerSchema, githubDeliveryHeadersSchema } from '../forge/forge-schemas.js';

// registry.register names schemas through zod's .openapi(). zod 4 puts methods on each instance, so
// schemas made before this call lack it: `named` re-creates them (.meta clones) after the extension.
extendZodWithOpenApi(z);
const named = (schema: z.ZodType) => schema.meta({});

/** Component names of the schemas, so tests can find the schema a response should match. */
export const SCHEMA_NAMES = {
  Job: publicJobSchema,
  JobSummary: jobSummarySchema,
  SubmitResponse: submitResponseSchema,
  JobList: listResponseSchema,
  OutputList: outputsResponseSchema,
  QueueStats: queueStatsSchema,
  Usage: usageReportSchema,
  Health: healthSchema,
  Changes: changesSchema,
  UploadCreated: uploadCreatedSchema,
  UploadReceived: uploadReceivedSchema,
  Environment: environmentViewSchema,
  ForgeAnswer: forgeAnswerSchema,
  EnvironmentList: environmentListSchema,
  Error: errorEnvelopeSchema,
} as const;

/** One message of GET /jobs/{id}/events, as an SSE parser sees it. */
const sseMessageSchema = z.object({
  id: z.string().optional().describe('the event seq (absent on `end`)'),
  event: z.literal('end').optional().describe('absent on a job event; `end` once the job is terminal'),
  data: z.string().describe('JSON: the stored event {seq, type, at, data}, or on `end` {job_id, status, last_seq}'),
  retry: z.number().int().optional(),
});

/**
 * An output file path as the route accepts it (output-path.ts): relative segments, none of them empty,
 * `.`, `..` or encoded twice, no control characters or backslashes. Said here more narrowly (segments
 * that do not start with a dot, no `%`), as a pattern without look-arounds.
 */
const outputPathParam = z
  .string()
  .max(1024)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\x00-\x1f\x7f\\/.%][^\x00-\x1f\x7f\\/%]*(\/[^\x00-\x1f\x7f\\/.%][^\x00-\x1f\x7f\\/%]*)*$/)
  .describe('the file path relative to the workspace');

/** `/jobs/:id/outputs/*path` → `/jobs/{id}/outputs/{path}`. */
export function openApiPath(routePath: string): string {
  return routePath.replace(/[:*]([A-Za-z_]+)/g, '{$1}');
}

export function buildOpenApiDocument(options: { maxTimeoutMs: number | TimeoutLimits; version: string; serverUrl?: string }) {
  const registry = new OpenAPIRegistry();
  const refs = Object.fromEntries(Object.entries(SCHEMA_NAMES).map(([name, schema]) => [name, registry.register(name, named(schema as z.ZodType))])) as {
    [K in keyof typeof SCHEMA_NAMES]: z.ZodType;
  };
  const jobRequest = registry.register('JobRequest', named(jobRequestSchema(options.maxTimeoutMs)));
  const environmentSpec = registry.register('EnvironmentSpec', named(environmentSpecSchema));
  registry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });

  const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
  const errors = (...codes: ApiErrorCode[]) =>
    Object.fromEntries(codes.map((c) => [API_ERROR_STATUS[c], json(refs.Error, `error: ${codes.filter((o) => API_ERROR_STATUS[o] === API_ERROR_STATUS[c]).join(' or ')}`)]));
  const common = errors('unauthorized', 'rate_limited', 'unavailable');
  const jobId = z.object({ id: z.string().describe('job_id') });
  const idempotencyHeader = z.object({ 'idempotency-key': z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/).optional().describe('same key and body within 24 h → the same job (200); another body → 409') });

  // Links let a client (or a fuzzer's stateful phase) chain the calls on the job a response names.
  const toJob = (ops: Record<string, string>, from = '$response.body#/job_id') =>
    Object.fromEntries(Object.entries(ops).map(([name, operationId]) => [name, { operationId, parameters: { id: from }, description: `${operationId} on this job` }]));
  const fromSubmit = toJob({ GetJob: 'getJob' });
  const fromJob = toJob({ CancelJob: 'cancelJob', RerunJob: 'rerunJob', GetJobChanges: 'getJobChanges', GetJobPatch: 'getJobPatch', ListJobOutputs: 'listJobOutputs' });

  const routes: RouteConfig[] = [];
  const submit = (path: string, summary: string, operationId: string): RouteConfig => ({
    method: 'post',
    path,
    summary,
    operationId,
    request: { body: { required: true, content: { 'application/json': { schema: jobRequest } } }, query: submitQuerySchema, headers: idempotencyHeader },
    responses: {
      200: { ...json(z.union([refs.SubmitResponse, refs.Job]), 'an idempotent replay (the existing job), or with ?wait the job that ended in time'), links: fromSubmit },
      202: { ...json(refs.SubmitResponse, 'queued'), links: fromSubmit },
      ...errors('bad_request', 'conflict', 'payload_too_large'),
      415: json(refs.Error, 'error: bad_request (the body is not application/json)'),
      ...common,
    },
  });
  routes.push(submit('/jobs', 'Submit a job', 'submitJob'), submit('/enqueue', 'Submit a job (alias of POST /jobs)', 'enqueueJob'));
  routes.push({
    method: 'get',
    path: '/jobs',
    operationId: 'listJobs',
    summary: 'List jobs, newest first, as summaries (prompt_preview instead of the prompt; no output_schema, no result texts)',
    request: { query: listQuerySchema },
    responses: { 200: json(refs.JobList, 'a page of job summaries'), ...errors('bad_request'), ...common },
  });
  for (const path of ['/jobs/{id}', '/status/{id}']) {
    const alias = path === '/status/{id}';
    routes.push({
      method: 'get',
      path,
      operationId: alias ? 'getJobStatus' : 'getJob',
      summary: alias ? 'Get a job (alias)' : 'Get a job',
      request: { params: jobId },
      responses: { 200: { ...json(refs.Job, 'the job'), links: fromJob }, ...errors('not_found'), ...common },
    });
  }
  routes.push({
    method: 'post',
    path: '/jobs/{id}/cancel',
    operationId: 'cancelJob',
    summary: 'Cancel a job',
    request: { params: jobId },
    responses: { 200: { ...json(refs.Job, 'cancelled, or processing with cancel_requested: true until the turn stops'), links: toJob({ GetJob: 'getJob', RerunJob: 'rerunJob' }) }, ...errors('not_found', 'conflict'), ...common },
  });
  routes.push({
    method: 'get',
    path: '/jobs/{id}/events',
    operationId: 'streamJobEvents',
    summary: 'Stream the job events (Server-Sent Events)',
    request: { params: jobId, query: eventsQuerySchema, headers: z.object({ 'last-event-id': z.string().regex(/^(-1|\d{1,10})$/).optional().describe('the last event seq seen (as `after`)') }) },
    responses: {
      200: {
        description: 'text/event-stream: `id: <seq>` + `data: <event JSON>` per event, comment heartbeats, then `event: end` when the job is terminal',
        content: { 'text/event-stream': { schema: sseMessageSchema } },
      },
      ...errors('bad_request', 'not_found'),
      ...common,
    },
  });
  routes.push({ method: 'get', path: '/jobs/{id}/outputs', operationId: 'listJobOutputs', summary: 'List the output files', request: { params: jobId }, responses: { 200: json(refs.OutputList, 'the files'), ...errors('not_found'), ...common } });
  routes.push({
    method: 'get',
    path: '/jobs/{id}/outputs/{path}',
    operationId: 'getJobOutput',
    summary: 'Download an output file',
    request: { params: z.object({ id: z.string(), path: outputPathParam }) },
    responses: { 200: { description: 'the file, streamed with its content type (without Content-Length above 4 MiB)', content: { 'application/octet-stream': { schema: z.string() } } }, 302: { description: 'a file above 4 MiB where the API can sign: Location is a 15-minute signed URL of the object' }, ...errors('bad_request', 'not_found'), ...common },
  });
  routes.push({
    method: 'post',
    path: '/jobs/{id}/rerun',
    operationId: 'rerunJob',
    summary: 'Run a job again: a new job with the same request and workspace input, metadata.rerun_of = id',
    request: { params: jobId, headers: idempotencyHeader },
    responses: {
      200: { ...json(refs.SubmitResponse, 'an idempotent replay (the job this key made)'), links: fromSubmit },
      202: { ...json(refs.SubmitResponse, 'queued'), links: fromSubmit },
      ...errors('bad_request', 'not_found', 'conflict'),
      ...common,
    },
  });
  routes.push({
    method: 'get',
    path: '/jobs/{id}/changes',
    operationId: 'getJobChanges',
    summary: "The job's changes against its base (files and stats)",
    request: { params: jobId },
    responses: { 200: json(refs.Changes, 'the changes'), ...errors('not_found', 'conflict'), ...common },
  });
  routes.push({
    method: 'get',
    path: '/jobs/{id}/changes.patch',
    operationId: 'getJobPatch',
    summary: "The job's changes as a binary-safe git patch (git apply); empty when nothing changed",
    request: { params: jobId },
    responses: { 200: { description: 'the patch, streamed', content: { 'text/x-diff': { schema: z.string() } } }, ...errors('not_found', 'conflict'), ...common },
  });
  routes.push({
    method: 'post',
    path: '/uploads',
    operationId: 'createUpload',
    summary: 'Make an upload for a workspace archive',
    responses: { 201: { ...json(refs.UploadCreated, 'where to PUT the archive'), links: { PutUpload: { operationId: 'putUpload', parameters: { upload_id: '$response.body#/upload_id' } } } }, ...common },
  });
  routes.push({
    method: 'put',
    path: '/uploads/{upload_id}',
    operationId: 'putUpload',
    summary: 'The archive bytes of an upload (zip, tar, tar.gz or tgz; at most 31 MiB), streamed to the uploads bucket',
    request: { params: z.object({ upload_id: z.string() }), body: { required: true, content: { 'application/octet-stream': { schema: z.string().describe('the archive') } } } },
    responses: { 200: json(refs.UploadReceived, 'stored'), ...errors('bad_request', 'not_found', 'conflict', 'payload_too_large'), ...common },
  });
  const envName = z.object({ name: environmentNameSchema.describe('the environment name, [a-z0-9][a-z0-9-]{0,62}') });
  routes.push({ method: 'get', path: '/environments', operationId: 'listEnvironments', summary: 'List your environments (secrets by name only)', responses: { 200: json(refs.EnvironmentList, 'your environments, by name'), ...common } });
  routes.push({
    method: 'put',
    path: '/environments/{name}',
    operationId: 'putEnvironment',
    summary: 'Create or replace an environment; secrets are write-only (sealed with ENV_SECRETS_KEY, shown by name only)',
    request: { params: envName, body: { required: true, content: { 'application/json': { schema: environmentSpec } } } },
    responses: {
      200: json(refs.Environment, 'replaced'),
      201: json(refs.Environment, 'created'),
      ...errors('bad_request', 'conflict', 'payload_too_large'),
      415: json(refs.Error, 'error: bad_request (the body is not application/json)'),
      ...common,
    },
  });
  routes.push({ method: 'get', path: '/environments/{name}', operationId: 'getEnvironment', summary: 'Get one of your environments (secrets by name only)', request: { params: envName }, responses: { 200: json(refs.Environment, 'the environment'), ...errors('bad_request', 'not_found'), ...common } });
  routes.push({ method: 'delete', path: '/environments/{name}', operationId: 'deleteEnvironment', summary: 'Delete one of your environments (queued jobs keep their copy)', request: { params: envName }, responses: { 204: { description: 'deleted' }, ...errors('bad_request', 'not_found'), ...common } });
  routes.push({ method: 'get', path: '/queue/stats', operationId: 'getQueueStats', summary: 'Job counts per status, priority and source', responses: { 200: json(refs.QueueStats, 'the counts'), ...common } });
  routes.push({
    method: 'get',
    path: '/usage',
    operationId: 'getUsage',
    summary: "Usage per UTC day (tokens, cost, run time) and quotas with what remains; admins may add owner= (or owner=*)",
    request: { query: usageQuerySchema.in },
    responses: { 200: json(refs.Usage, 'the usage'), ...errors('bad_request', 'forbidden'), ...common },
  });
  routes.push({
    method: 'post',
    path: '/forge/github',
    operationId: 'receiveGithubWebhook',
    summary: "GitHub webhook receiver (Jobs from GitHub): a comment starting with TRIGGER_PHRASE or an issue labeled TRIGGER_LABEL in a GITHUB_REPOS repository makes a job; no API key, the X-Hub-Signature-256 signature is the auth",
    security: [],
    request: { headers: githubDeliveryHeadersSchema, body: { required: true, content: { 'application/json': { schema: z.record(z.string(), z.unknown()).describe('the GitHub webhook payload') } } } },
    responses: {
      202: json(refs.ForgeAnswer, '{job_id}: the job this delivery made (the same on a redelivery); {ignored: reason}: no job'),
      ...errors('bad_request', 'unauthorized', 'payload_too_large', 'quota_exceeded', 'unavailable'),
    },
  });
  routes.push({ method: 'get', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This document', responses: { 200: { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...common } });
  routes.push({ method: 'get', path: '/health', operationId: 'getHealth', summary: 'Health of the API and its dependencies', security: [], responses: { 200: json(refs.Health, 'healthy'), 503: json(refs.Health, 'a dependency is down') } });
  // The web console (console/): public pages; the page asks for the key itself.
  routes.push({ method: 'get', path: '/console', operationId: 'getConsole', summary: 'The web console (HTML)', security: [], responses: { 200: { description: 'the console page', content: { 'text/html': { schema: z.string() } } }, 302: { description: '/console/ redirects to ../console' }, ...errors('unavailable') } });
  routes.push({
    method: 'get',
    path: '/console/{path}',
    operationId: 'getConsoleFile',
    summary: 'A file of the web console (script, stylesheet, icon)',
    security: [],
    request: { params: z.object({ path: z.string().describe('the file path under /console/') }) },
    responses: { 200: { description: 'the file with its content type', content: { 'application/octet-stream': { schema: z.string() } } }, ...errors('not_found', 'unavailable') },
  });
  for (const route of routes) registry.registerPath({ security: [{ ApiKey: [] }], ...route });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'codex-jobs API',
      version: options.version,
      description: 'Runs OpenAI Codex jobs in the background. Every error body is `{ "error": { "code", "message", "details"? } }`.',
      license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    security: [{ ApiKey: [] }],
  });
}
