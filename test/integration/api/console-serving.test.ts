// GET /console and /console/{path}: the built console served by the API without a key, with a
// strict Content-Security-Policy, relative URLs only, no inline script or style, only files of the
// build, and the asset module loaded on the first console request only (not at the API's cold start).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { startApi, type ApiServer } from './support/api-server.js';

let api: ApiServer;
before(async () => {
  api = await startApi();
});
after(() => api.close());

const get = (p: string, headers: Record<string, string> = {}) => fetch(api.url + p, { headers, redirect: 'manual' });

test('GET /console needs no key and answers the page with a strict CSP and no inline script or style', async () => {
  const res = await get('/console');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/html/);
  const csp = res.headers.get('content-security-policy')!;
  const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
  assert.equal(directives['default-src'], "'self'");
  assert.equal(directives['script-src'], "'self'");
  assert.equal(directives['style-src'], "'self'");
  assert.equal(directives['connect-src'], "'self'");
  assert.equal(directives['frame-ancestors'], "'none'");
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  const html = await res.text();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length > 0);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs!, /\bsrc="console\/[^"]+"/, 'scripts are files of the console');
    assert.equal(body!.trim(), '', 'no inline script');
  }
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or handler');
  // Relative URLs only: the API may sit under a path prefix (a GCP function URL).
  for (const [, url] of html.matchAll(/(?:src|href)="([^"]*)"/g)) assert.match(url!, /^(console\/|#)/, url);
});

test('the assets come from the build with their types and ETags; a new request revalidates', async () => {
  const js = await get('/console/main.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type')!, /^(text|application)\/javascript/);
  assert.ok(js.headers.get('content-security-policy'));
  const body = await js.text();
  assert.match(body, /from '\.\/api-client\.js'/);
  assert.doesNotMatch(body, /https?:\/\//, 'no absolute URL in the entry module');
  const etag = js.headers.get('etag')!;
  assert.ok(etag);
  assert.equal((await get('/console/main.js', { 'if-none-match': etag })).status, 304);
  const css = await get('/console/console.css');
  assert.match(css.headers.get('content-type')!, /^text\/css/);
  assert.doesNotMatch(await css.text(), /@import|url\(\s*['"]?https?:/, 'no external stylesheet or font');
  assert.equal((await get('/console/views/job-page.js')).status, 200);
});

test('only files of the build are served: unknown names, traversal and index.html are 404; /console/ redirects', async () => {
  for (const p of ['/console/nope.js', '/console/%2e%2e/%2e%2e/package.json', '/console/..%2Fapi-client.js', '/console/index.html', '/console/views']) {
    const res = await get(p);
    assert.equal(res.status, 404, p);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
  }
  const slash = await get('/console/');
  assert.equal(slash.status, 302);
  assert.equal(slash.headers.get('location'), '../console');
  const post = await fetch(api.url + '/console', { method: 'POST' });
  assert.equal(post.status, 405);
});

test('the API does not load the console module at start; the first console request does', () => {
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const hook = `data:text/javascript,export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('console-assets')) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }`;
  const run = (code: string) =>
    execFileSync(process.execPath, ['--input-type=module', '-e', `import { register } from 'node:module'; register(${JSON.stringify(hook)}); ${code}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const appUrl = pathToFileURL(path.join(dist, 'shared/api/api-app.js')).href;
  const routeUrl = pathToFileURL(path.join(dist, 'shared/api/routes/console.js')).href;
  const probe = (code: string) => {
    try {
      run(code);
      return '';
    } catch (err) {
      return String((err as { stderr?: string }).stderr);
    }
  };
  // stderr is only returned on failure, so each probe ends by failing on purpose.
  const atStart = probe(`const { API_ROUTES } = await import(${JSON.stringify(appUrl)}); process.stderr.write('ROUTES ' + API_ROUTES.length + '\\n'); process.exit(3);`);
  assert.match(atStart, /ROUTES \d+/);
  assert.doesNotMatch(atStart, /LOADED/);
  const served = probe(
    `const { consoleRoutes } = await import(${JSON.stringify(routeUrl)}); const res = { set() { return res; }, setHeader() {}, status() { return res; }, send() {}, end() {} };` +
      ` await consoleRoutes[0].handle({ req: { path: '/console', header: () => undefined }, res }); process.exit(3);`,
  );
  assert.match(served, /LOADED .*console-assets\.js/);
});
