// The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the handlers use.
import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { jobDocumentSchema } from '../jobs/job-document.js';
import { jobRequestSchema } from '../jobs/job-request.js';
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
import { API_ERROR_STATUS, type ApiErrorCode } from './api-error.js';
import { usageReportSchema } from '../usage/usage-report.js';
import { usageQuerySchema } from './routes/usage.js';

// registry.register names schemas through zod's .openapi(). zod 4 puts methods on each instance, so
// schemas made before this call lack it: `named` re-creates them (.meta clones) after the extension.
extendZodWithOpenApi(z);
const named = (schema: z.ZodType) => schema.meta({});

/** Component names of the schemas, so tests can find the schema a response should match. */
export const SCHEMA_NAMES = {
  Job: jobDocumentSchema,
  SubmitResponse: submitResponseSchema,
  JobList: listResponseSchema,
  OutputList: outputsResponseSchema,
  QueueStats: queueStatsSchema,
  Usage: usageReportSchema,
  Health: healthSchema,
  Changes: changesSchema,
  UploadCreated: uploadCreatedSchema,
  UploadReceived: uploadReceivedSchema,
  Error: errorEnvelopeSchema,
} as const;

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
  registry.registerComponent('securitySchemes', 'ApiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });

  const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
  const errors = (...codes: ApiErrorCode[]) =>
    Object.fromEntries(codes.map((c) => [API_ERROR_STATUS[c], json(refs.Error, `error: ${codes.filter((o) => API_ERROR_STATUS[o] === API_ERROR_STATUS[c]).join(' or ')}`)]));
  const common = errors('unauthorized', 'rate_limited', 'unavailable');
  const jobId = z.object({ id: z.string().describe('job_id') });
  const idempotencyHeader = z.object({ 'idempotency-key': z.string().min(1).max(255).optional().describe('same key and body within 24 h → the same job (200); another body → 409') });

  const routes: RouteConfig[] = [];
  const submit = (path: string, summary: string): RouteConfig => ({
    method: 'post',
    path,
    summary,
    request: { body: { required: true, content: { 'application/json': { schema: jobRequest } } }, query: submitQuerySchema, headers: idempotencyHeader },
    responses: {
      200: json(z.union([refs.SubmitResponse, refs.Job]), 'an idempotent replay (the existing job), or with ?wait the job that ended in time'),
      202: json(refs.SubmitResponse, 'queued'),
      ...errors('bad_request', 'conflict', 'payload_too_large'),
      415: json(refs.Error, 'error: bad_request (the body is not application/json)'),
      ...common,
    },
  });
  routes.push(submit('/jobs', 'Submit a job'), submit('/enqueue', 'Submit a job (alias of POST /jobs)'));
  routes.push({ method: 'get', path: '/jobs', summary: 'List jobs, newest first', request: { query: listQuerySchema }, responses: { 200: json(refs.JobList, 'a page of jobs'), ...errors('bad_request'), ...common } });
  for (const path of ['/jobs/{id}', '/status/{id}']) {
    routes.push({ method: 'get', path, summary: path === '/jobs/{id}' ? 'Get a job' : 'Get a job (alias)', request: { params: jobId }, responses: { 200: json(refs.Job, 'the job'), ...errors('not_found'), ...common } });
  }
  routes.push({
    method: 'post',
    path: '/jobs/{id}/cancel',
    summary: 'Cancel a job',
    request: { params: jobId },
    responses: { 200: json(refs.Job, 'cancelled, or processing with cancel_requested: true until the turn stops'), ...errors('not_found', 'conflict'), ...common },
  });
  routes.push({
    method: 'get',
    path: '/jobs/{id}/events',
    summary: 'Stream the job events (Server-Sent Events)',
    request: { params: jobId, query: eventsQuerySchema, headers: z.object({ 'last-event-id': z.string().optional() }) },
    responses: {
      200: { description: 'text/event-stream: `id: <seq>` + `data: <event JSON>` per event, comment heartbeats, then `event: end` when the job is terminal', content: { 'text/event-stream': { schema: z.string() } } },
      ...errors('bad_request', 'not_found'),
      ...common,
    },
  });
  routes.push({ method: 'get', path: '/jobs/{id}/outputs', summary: 'List the output files', request: { params: jobId }, responses: { 200: json(refs.OutputList, 'the files'), ...errors('not_found'), ...common } });
  routes.push({
    method: 'get',
    path: '/jobs/{id}/outputs/{path}',
    summary: 'Download an output file',
    request: { params: z.object({ id: z.string(), path: z.string().describe('the file path relative to the workspace') }) },
    responses: { 200: { description: 'the file, streamed with its content type', content: { 'application/octet-stream': { schema: z.string() } } }, ...errors('bad_request', 'not_found'), ...common },
  });
  routes.push({
    method: 'post',
    path: '/jobs/{id}/rerun',
    summary: 'Run a job again: a new job with the same request and workspace input, metadata.rerun_of = id',
    request: { params: jobId, headers: idempotencyHeader },
    responses: { 200: json(refs.SubmitResponse, 'an idempotent replay (the job this key made)'), 202: json(refs.SubmitResponse, 'queued'), ...errors('bad_request', 'not_found', 'conflict'), ...common },
  });
  routes.push({
    method: 'get',
    path: '/jobs/{id}/changes',
    summary: "The job's changes against its base (files and stats)",
    request: { params: jobId },
    responses: { 200: json(refs.Changes, 'the changes'), ...errors('not_found', 'conflict'), ...common },
  });
  routes.push({
    method: 'get',
    path: '/jobs/{id}/changes.patch',
    summary: "The job's changes as a binary-safe git patch (git apply); empty when nothing changed",
    request: { params: jobId },
    responses: { 200: { description: 'the patch, streamed', content: { 'text/x-diff': { schema: z.string() } } }, ...errors('not_found', 'conflict'), ...common },
  });
  routes.push({ method: 'post', path: '/uploads', summary: 'Make an upload for a workspace archive', responses: { 201: json(refs.UploadCreated, 'where to PUT the archive'), ...common } });
  routes.push({
    method: 'put',
    path: '/uploads/{upload_id}',
    summary: 'The archive bytes of an upload (zip, tar, tar.gz or tgz; at most 32 MiB), streamed to the uploads bucket',
    request: { params: z.object({ upload_id: z.string() }), body: { required: true, content: { 'application/octet-stream': { schema: z.string().describe('the archive') } } } },
    responses: { 200: json(refs.UploadReceived, 'stored'), ...errors('bad_request', 'not_found', 'conflict', 'payload_too_large'), ...common },
  });
  routes.push({ method: 'get', path: '/queue/stats', summary: 'Job counts per status, priority and source', responses: { 200: json(refs.QueueStats, 'the counts'), ...common } });
  routes.push({
    method: 'get',
    path: '/usage',
    summary: "Usage per UTC day (tokens, cost, run time) and quotas with what remains; admins may add owner= (or owner=*)",
    request: { query: usageQuerySchema.in },
    responses: { 200: json(refs.Usage, 'the usage'), ...errors('bad_request', 'forbidden'), ...common },
  });
  routes.push({ method: 'get', path: '/openapi.json', summary: 'This document', responses: { 200: { description: 'the OpenAPI 3.1 document', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...common } });
  routes.push({ method: 'get', path: '/health', summary: 'Health of the API and its dependencies', security: [], responses: { 200: json(refs.Health, 'healthy'), 503: json(refs.Health, 'a dependency is down') } });
  // The web console (console/): public pages; the page asks for the key itself.
  routes.push({ method: 'get', path: '/console', summary: 'The web console (HTML)', security: [], responses: { 200: { description: 'the console page', content: { 'text/html': { schema: z.string() } } }, 302: { description: '/console/ redirects to ../console' }, ...errors('unavailable') } });
  routes.push({
    method: 'get',
    path: '/console/{path}',
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
