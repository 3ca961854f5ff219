// GitHub's own OpenAPI description of api.github.com (@octokit/openapi) as a request and response
// checker for the stand-in: which operation a method + path is (path templates, literal segments
// first), whether its path and query parameters and its JSON body are valid (Ajv, on the
// operation's own schemas), and whether an answer's body is valid against the operation's response.
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }> } | { $ref: string }>;
}

export interface MatchedOperation {
  operationId: string;
  method: string;
  template: string;
  params: Record<string, string>;
  operation: Operation;
}

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const DOC_ID = 'api.github.com';

export class GitHubDescription {
  readonly doc: { paths: Record<string, Record<string, Operation>>; components: Json };
  private readonly ajv: Ajv;
  private readonly routes: { method: string; template: string; regex: RegExp; names: string[]; literals: number; operation: Operation }[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.doc = require('@octokit/openapi/generated/api.github.com.json') as GitHubDescription['doc'];
    // OpenAPI 3.0 schemas: `nullable`, `example`, `x-github` and GitHub's own formats are not JSON Schema's.
    this.ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, discriminator: false, logger: false });
    addFormats(this.ajv);
    for (const f of ['repo.nwo', 'uri-template', 'binary', 'int32', 'int64', 'ssh-key', 'ssh-key fingerprint']) this.ajv.addFormat(f, true);
    nullableWithoutType(this.doc);
    this.ajv.addSchema(this.doc as unknown as Json, DOC_ID);
    for (const [template, item] of Object.entries(this.doc.paths)) {
      const names: string[] = [];
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length;
      for (const [method, operation] of Object.entries(item)) {
        if (!operation || typeof operation !== 'object' || !('operationId' in operation)) continue;
        this.routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${source}$`), names, literals, operation });
      }
    }
    // A path with more literal segments wins (/pulls/comments before /pulls/{pull_number}).
    this.routes.sort((a, b) => b.literals - a.literals);
  }

  /** The operation of a method and path, or why there is none. */
  match(method: string, pathname: string): MatchedOperation | { problem: string } {
    let pathKnown = false;
    for (const r of this.routes) {
      const m = r.regex.exec(pathname);
      if (!m) continue;
      pathKnown = true;
      if (r.method !== method) continue;
      const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return { operationId: r.operation.operationId, method, template: r.template, params, operation: r.operation };
    }
    return { problem: pathKnown ? `${method} is not an operation of ${pathname} in GitHub's API` : `${pathname} is not a path of GitHub's API` };
  }

  /** Every problem of a request against its operation: path and query parameters, then the body. */
  checkRequest(op: MatchedOperation, query: URLSearchParams, contentType: string | undefined, rawBody: string): string[] {
    const problems: string[] = [];
    const params = (op.operation.parameters ?? []).map((p) => this.deref<Parameter>(p));
    for (const p of params.filter((x) => x.in === 'path')) {
      problems.push(...this.checkValue(`path parameter ${p.name}`, p.schema, coerce(op.params[p.name], p.schema)));
    }
    const queryParams = params.filter((x) => x.in === 'query');
    for (const name of new Set(query.keys())) {
      const p = queryParams.find((x) => x.name === name);
      if (!p) problems.push(`query parameter ${name} is not a parameter of ${op.operationId}`);
      else problems.push(...this.checkValue(`query parameter ${name}`, p.schema, coerce(query.get(name)!, p.schema)));
    }
    for (const p of queryParams) if (p.required && !query.has(p.name)) problems.push(`query parameter ${p.name} is required`);
    const body = op.operation.requestBody;
    if (!body) {
      if (rawBody.trim() && rawBody.trim() !== '{}') problems.push(`${op.operationId} takes no request body`);
      return problems;
    }
    if (!rawBody.trim()) {
      if (body.required) problems.push(`${op.operationId} needs a request body`);
      return problems;
    }
    const schema = body.content['application/json']?.schema;
    if (!schema) return [...problems, `${op.operationId} takes no JSON body`];
    if (!contentType?.startsWith('application/json')) problems.push(`content-type ${contentType ?? '(none)'} is not application/json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      return [...problems, 'the body is not JSON'];
    }
    problems.push(...this.checkValue('body', schema, parsed));
    return problems;
  }

  /** Problems of an answer's body against the operation's response of that status. */
  checkResponse(op: Pick<MatchedOperation, 'operation' | 'operationId'>, status: number, body: unknown): string[] {
    const response = op.operation.responses[String(status)];
    if (!response) return [`${status} is not a documented answer of ${op.operationId}`];
    const schema = this.deref<{ content?: Record<string, { schema: Json }> }>(response).content?.['application/json']?.schema;
    if (!schema) return body === undefined || body === '' ? [] : [`the ${status} answer of ${op.operationId} has no body`];
    return this.checkValue(`the ${status} answer of ${op.operationId}`, schema, body);
  }

  /** The JSON schema of an operation's response (for sampleOf). */
  responseSchema(op: Pick<MatchedOperation, 'operation'>, status: number): Json | undefined {
    const response = op.operation.responses[String(status)];
    return response ? this.deref<{ content?: Record<string, { schema: Json }> }>(response).content?.['application/json']?.schema : undefined;
  }

  /** A `#/components/...` reference (or the value itself) resolved in the description. */
  deref<T>(value: T | { $ref: string }): T {
    let v: unknown = value;
    while (v && typeof v === 'object' && '$ref' in v && typeof (v as { $ref: unknown }).$ref === 'string') {
      const parts = (v as { $ref: string }).$ref.replace(/^#\//, '').split('/');
      v = parts.reduce<unknown>((node, key) => (node as Json)[key.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    }
    return v as T;
  }

  private checkValue(what: string, schema: Json | undefined, value: unknown): string[] {
    if (!schema) return [];
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      // $refs in the schema point into the description: compile it as a schema of that document.
      validate = this.ajv.compile({ $id: `${DOC_ID}-check-${this.compiled.size}`, ...rebase(schema) });
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).slice(0, 10).map((e) => `${what}${e.instancePath}: ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
}

/** Ajv takes `nullable` only beside a `type`: elsewhere (`anyOf` of refs) it becomes `anyOf [schema, null]`. */
function nullableWithoutType(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  for (const value of Object.values(node)) nullableWithoutType(value);
  const o = node as Json;
  if (o.nullable === true && o.type === undefined) {
    const { nullable: _n, description, ...rest } = o;
    for (const k of Object.keys(o)) delete o[k];
    Object.assign(o, { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] });
  }
}

/** `#/components/...` refs of a schema taken out of the description point at the description. */
function rebase(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => (key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${DOC_ID}${value}` : value)) as Json;
}

/** A path or query string as the type its schema says (query strings are untyped on the wire). */
function coerce(value: string | undefined, schema: Json | undefined): unknown {
  if (value === undefined || !schema) return value;
  if (schema.type === 'integer' || schema.type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (schema.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

let shared: GitHubDescription | undefined;
/** One parsed description per process (it is 13 MB). */
export function githubDescription(): GitHubDescription {
  shared ??= new GitHubDescription();
  return shared;
}
