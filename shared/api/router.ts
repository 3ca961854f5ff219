// A small route table: method + path pattern → handler. Path parameters are `:name` segments;
// a trailing `*rest` takes the remainder of the path (output file paths).
import type { Request, Response } from '@google-cloud/functions-framework';
import type { Caller } from './auth.js';
import type { ApiDeps } from './api-deps.js';

export interface RouteContext {
  req: Request;
  res: Response;
  deps: ApiDeps;
  params: Record<string, string>;
  /** undefined only on public routes */
  caller: Caller;
  log: ApiDeps['log'];
  baseUrl: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  public?: boolean;
  handle(ctx: RouteContext): Promise<void>;
}

export interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const pattern = route.path
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      if (seg.startsWith('*')) {
        names.push(seg.slice(1));
        return '(.+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${pattern}/?$`), names };
}

export function match(routes: CompiledRoute[], method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  for (const route of routes) {
    const m = route.regex.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1]!);
    });
    return { route, params };
  }
  return allowed.length ? { allowed } : undefined;
}
