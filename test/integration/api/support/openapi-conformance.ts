// Checks responses the tests received against the OpenAPI document: the status must be documented
// for the operation, and a JSON body must validate against the documented schema. The bodies go
// into a copy of the document as examples, and Redocly's validator checks them
// (rule no-invalid-media-type-examples, additional properties not allowed).
import assert from 'node:assert/strict';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { errorEnvelopeSchema } from '../../../../shared/api/api-schemas.js';
import { buildOpenApiDocument } from '../../../../shared/api/openapi.js';

export interface RecordedResponse {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}

const recorded: RecordedResponse[] = [];

export function recordResponse(r: RecordedResponse): void {
  recorded.push(r);
}

export function recordedResponses(): RecordedResponse[] {
  return [...recorded];
}

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { examples?: Record<string, { value: unknown }> }> }> }>> };

function operationPath(doc: Doc, path: string): string | undefined {
  const bare = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  // Literal templates first (/jobs/{id} must not take /jobs/x/events).
  const templates = Object.keys(doc.paths).sort((a, b) => a.split('{').length - b.split('{').length);
  return templates.find((t) => new RegExp(`^${t.replace(/\{path\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare));
}

/** Fails with every response that is undocumented or does not match its schema. */
export async function assertResponsesMatchDocument(responses: RecordedResponse[] = recorded): Promise<number> {
  const doc = buildOpenApiDocument({ maxTimeoutMs: 480_000, version: 'test' }) as unknown as Doc;
  const problems: string[] = [];
  let checked = 0;
  responses.forEach((r, i) => {
    const template = operationPath(doc, r.path);
    const operation = template ? doc.paths[template]?.[r.method.toLowerCase()] : undefined;
    if (!operation) {
      // No such route: the answer must still be the error envelope (the document's Error schema).
      if ((r.status === 404 || r.status === 405) && errorEnvelopeSchema.safeParse(r.body).success) return;
      return void problems.push(`${r.method} ${r.path}: no such operation in the document`);
    }
    const response = operation.responses[String(r.status)];
    if (!response) return void problems.push(`${r.method} ${r.path}: status ${r.status} is not documented`);
    const media = r.contentType.split(';')[0]!.trim();
    // A documented answer without content (204) and an empty body: nothing more to check.
    if (!response.content && media === '' && (r.body === '' || r.body === undefined)) return;
    const content = response.content?.[media] ?? (media === 'application/json' ? undefined : response.content?.['application/octet-stream']);
    if (!content) return void problems.push(`${r.method} ${r.path}: ${r.status} ${media} is not documented`);
    if (media === 'application/json') {
      content.examples = { ...content.examples, [`observed-${i}`]: { value: r.body } };
      checked++;
    }
  });
  const config = await createConfig({ rules: { 'no-invalid-media-type-examples': { severity: 'error', allowAdditionalProperties: false } } } as never);
  const lint = await lintFromString({ source: JSON.stringify(doc), absoluteRef: '/observed/openapi.json', config });
  for (const p of lint.filter((l) => l.severity === 'error')) problems.push(`${p.message} at ${p.location[0]?.pointer ?? '?'}`);
  assert.deepEqual(problems, [], `responses that do not match the OpenAPI document:\n${problems.join('\n')}`);
  return checked;
}
