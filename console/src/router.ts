// Hash routes (#/jobs, #/jobs/ID, #/new, #/stats, #/environments, #/usage): the page is one document served at /console,
// so navigation never reloads it and works under any path prefix. Filters ride in the hash's
// query; the API key never does.
export type Route =
  | { view: 'jobs'; query: URLSearchParams }
  | { view: 'job'; jobId: string }
  | { view: 'new' }
  | { view: 'stats' }
  | { view: 'environments' }
  | { view: 'usage' };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'jobs' && parts[1]) return { view: 'job', jobId: decodeURIComponent(parts[1]) };
  if (parts[0] === 'new') return { view: 'new' };
  if (parts[0] === 'stats') return { view: 'stats' };
  if (parts[0] === 'environments') return { view: 'environments' };
  if (parts[0] === 'usage') return { view: 'usage' };
  return { view: 'jobs', query: new URLSearchParams(query) };
}

export function jobHref(jobId: string): string {
  return `#/jobs/${encodeURIComponent(jobId)}`;
}

export function jobsHref(query?: URLSearchParams): string {
  const q = query?.toString();
  return q ? `#/jobs?${q}` : '#/jobs';
}
