// Serves one registered function under the Functions Framework on 127.0.0.1 only (the framework's
// own CLI binds every interface). Usage: serve-function.js <target> <module> <port>
import { pathToFileURL } from 'node:url';
import { getTestServer } from '@google-cloud/functions-framework/testing';

const [target, source, port] = process.argv.slice(2);
if (!target || !source || !port) {
  console.error('usage: serve-function <target> <module> <port>');
  process.exit(2);
}
await import(pathToFileURL(source).href);
const server = getTestServer(target);
server.setTimeout(0); // jobs may run for up to an hour on one request
server.listen(Number(port), '127.0.0.1', () => console.log(`function ${target} listening on http://127.0.0.1:${port}`));
const shutdown = () => server.close(() => process.exit(0)).closeAllConnections?.();
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
