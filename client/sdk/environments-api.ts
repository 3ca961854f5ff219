// client.environments: put, get, list, delete — the caller's environments (PUT/GET/DELETE
// /environments/{name}). Secrets are write-only: put sends them, every answer names them only.
import { environmentListSchema, environmentViewSchema, type EnvironmentView } from '../../shared/environment/environment-schemas.js';
import type { EnvironmentSpecInput } from '../../shared/environment/environment-spec.js';
import { parseJson, type HttpTransport } from './http-transport.js';
import type { CallOptions } from './types.js';

const at = (name: string) => `/environments/${encodeURIComponent(name)}`;

export type { EnvironmentView, EnvironmentSpecInput };

export class EnvironmentsApi {
  constructor(private readonly http: HttpTransport) {}

  /** Creates or replaces `name` (the whole spec: what it leaves out, secrets included, is gone). */
  async put(name: string, spec: EnvironmentSpecInput, o: CallOptions = {}): Promise<EnvironmentView & { created: boolean }> {
    const { text, requestId, response } = await this.http.call({ method: 'PUT', path: at(name), json: spec, signal: o.signal });
    return { ...environmentViewSchema.parse(parseJson(text, requestId, 'PUT /environments/{name}')), created: response.status === 201 };
  }

  async get(name: string, o: CallOptions = {}): Promise<EnvironmentView> {
    const { text, requestId } = await this.http.call({ path: at(name), signal: o.signal });
    return environmentViewSchema.parse(parseJson(text, requestId, 'GET /environments/{name}'));
  }

  /** The caller's environments, by name. */
  async list(o: CallOptions = {}): Promise<EnvironmentView[]> {
    const { text, requestId } = await this.http.call({ path: '/environments', signal: o.signal });
    return environmentListSchema.parse(parseJson(text, requestId, 'GET /environments')).environments;
  }

  async delete(name: string, o: CallOptions = {}): Promise<void> {
    await this.http.call({ method: 'DELETE', path: at(name), signal: o.signal });
  }
}
