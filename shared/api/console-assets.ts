// The console's files (dist/console, laid out by `npm run build`), read once into memory on the
// first console request and served with a strict Content-Security-Policy. Only files found in the
// build are served: a request names a key of that map, never a path on disk. Loaded lazily by
// routes/console.ts, so the API's other routes never pay for it at cold start.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mime from 'mime-types';

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * Same origin for everything; no inline script or style; API calls only to this origin; never framed.
 * form-action 'none': the forms are handled by script, so a form can never submit the key anywhere.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Revalidated on every load (ETag), so a new build is picked up at once.
  'cache-control': 'no-cache',
};

/** The page itself: GET /console answers it; /console/index.html is not an asset (its relative URLs would break). */
export const CONSOLE_PAGE = 'index.html';

const defaultDir = fileURLToPath(new URL('../../console/', import.meta.url));

async function walk(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name), `${prefix}${e.name}/`) : e.isFile() ? Promise.resolve([`${prefix}${e.name}`]) : Promise.resolve([]))),
  );
  return nested.flat();
}

export async function loadConsoleAssets(dir: string = defaultDir): Promise<Map<string, ConsoleAsset> | undefined> {
  let names: string[];
  try {
    names = await walk(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const assets = new Map<string, ConsoleAsset>();
  await Promise.all(
    names.map(async (name) => {
      const body = await readFile(path.join(dir, name));
      const contentType = mime.contentType(path.extname(name)) || 'application/octet-stream';
      assets.set(name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
    }),
  );
  return assets.has(CONSOLE_PAGE) ? assets : undefined;
}

let cached: Promise<Map<string, ConsoleAsset> | undefined> | undefined;

/** The build's assets, read on first use; undefined when the console was not built. */
export function consoleAssets(): Promise<Map<string, ConsoleAsset> | undefined> {
  cached ??= loadConsoleAssets().catch((err: unknown) => {
    cached = undefined; // a read error is retried on the next request
    throw err;
  });
  return cached;
}
