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
  /** On public routes: an anonymous caller. */
  caller: Caller;
  log: ApiDeps['log'];
  baseUrl: string;
  /**
   * Resolves when the caller's rate limit admits this request; throws a 429 ApiError otherwise.
   * The count starts as soon as the caller is known, so reads overlap with it; a handler awaits
   * this before it answers or changes anything. With rate-limit budget in hand it resolves at once.
   */
  admit(): Promise<void>;
  /** The request was admitted from the instance's leased budget, without waiting on Firestore. */
  likelyAllowed: boolean;
  /** Answers JSON once admitted. */
  send(status: number, body: unknown, headers?: Record<string, string>): Promise<void>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  public?: boolean;
  /**
   * The route awaits every callback it starts, so its errors all reach the API's own try/catch:
   * it runs outside the framework's per-request `domain`, whose hooks on every promise cost
   * 14% of POST /jobs' CPU (0.41 ms a request, measured). Routes with listeners keep the domain.
   */
  leavesFrameworkDomain?: boolean;
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

/** Finds the route; throws URIError when a parameter is not valid percent-encoding. */
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
