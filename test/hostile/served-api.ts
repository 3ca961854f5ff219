// The API as deployed (the Functions Framework's server, its body parsers, the error envelope, the
// real routes) on 127.0.0.1 against the emulators, for the hostile suite's HTTP entry points. It
// records, on the server side, what each handler answered and every error it logged: a client that
// cut its request off sees no answer, but a handler that then failed (a 5xx) or never ended (a hang)
// is still counted.
import type { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { createApiHandler } from '../../shared/api/api-app.js';
import { DEFAULT_API_TUNING } from '../../shared/api/api-deps.js';
import { apiDeps } from '../../shared/api/api-runtime.js';
import { installFrameworkErrorEnvelope } from '../../shared/api/framework-error-envelope.js';
import { GcsBlobStore } from '../../shared/blobs/gcs-blob-store.js';
import { createLogger } from '../../shared/logging.js';
import { apiTestEnv, type ApiTestEnv } from '../integration/api/support/api-server.js';

export const HOSTILE_KEYS = { alice: 'alice-key', bob: 'bob-key' } as const;

export interface HandlerOutcome {
  status: number;
  /** The handler itself rejected (it answers every error, so this is a crash). */
  threw?: string;
}

export interface ServedApi {
  url: string;
  env: ApiTestEnv;
  /** Waits for the handlers started since the last call; undefined when one is still running after `deadlineMs`. */
  settle(deadlineMs: number): Promise<{ outcomes: HandlerOutcome[]; errors: string[] } | undefined>;
  close(): Promise<void>;
}

let served = 0;

/** `resolveHost`: the DNS of the callback and git URL checks (no network in the suite). */
export async function serveApi(resolveHost: (host: string) => Promise<string[]>): Promise<ServedApi> {
  installFrameworkErrorEnvelope();
  const env = await apiTestEnv({ RATE_LIMIT_PER_MINUTE: '1000000', GIT_ALLOWLIST: '', ALLOW_INSECURE_GIT: '0', CALLBACK_ALLOWLIST: '', ALLOW_INSECURE_CALLBACKS: '0' });
  await env.storage.createBucket(env.config.UPLOADS_BUCKET);
  const errors: string[] = [];
  const deps = apiDeps(env.config, {
    firestore: env.firestore,
    pubsub: env.pubsub,
    blobs: new GcsBlobStore(env.storage),
    // A short DNS deadline, so a resolver that never answers costs little per input.
    tuning: { ...DEFAULT_API_TUNING, dnsLookupTimeoutMs: 300 },
    resolveHost,
    log: createLogger('ERROR', { component: 'enqueue' }, (line) => errors.push(line)),
  });
  const handler = createApiHandler(deps);
  let pending: Promise<HandlerOutcome>[] = [];
  const name = `hostile-api-${process.pid}-${++served}`;
  functions.http(name, (req, res) => {
    const run = handler(req, res).then(
      () => ({ status: res.statusCode }),
      (err: Error) => ({ status: res.statusCode, threw: `${err.name}: ${err.message}` }),
    );
    pending.push(run);
    return run.then(() => undefined);
  });
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const settle = async (deadlineMs: number) => {
    const running = pending;
    pending = [];
    let timer: NodeJS.Timeout | undefined;
    const outcomes = await Promise.race([Promise.all(running), new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deadlineMs)))]);
    clearTimeout(timer);
    return outcomes && { outcomes, errors: errors.splice(0) };
  };

  return {
    url,
    env,
    settle,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled(pending);
      await deps.queue.close();
      await env.close();
    },
  };
}
