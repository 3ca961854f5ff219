// The notifier in-process on the emulators: its handler under the Functions Framework test server,
// a terminal job in Firestore to notify about, push deliveries as Pub/Sub sends them, and the
// dead-letter topic collected.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { newJobDocument, specFromRequest } from '../../../shared/jobs/job-document.js';
import { newJobId } from '../../../shared/jobs/job-id.js';
import { jobRequestSchema } from '../../../shared/jobs/job-request.js';
import { resultMessageFromJob, type ResultMessage } from '../../../shared/jobs/result-message.js';
import { FirestoreJobStore } from '../../../shared/store/firestore-job-store.js';
import { FirestoreDeliveryStore } from '../../../shared/webhooks/delivery-store.js';
import { deadLetterTopicName, type NotifierDeps } from '../../../shared/webhooks/notify.js';
import { notifierDeps, notifierHandler } from '../../../shared/webhooks/notifier-http.js';
import { collectTopic, testEnv, type TestEnv } from '../../support/test-env.js';

export const newSecret = () => 'whsec_' + randomBytes(24).toString('base64');

export interface NotifierHarness {
  env: TestEnv;
  deps: NotifierDeps;
  secrets: string[];
  url: string;
  store: FirestoreJobStore;
  deliveries: FirestoreDeliveryStore;
  deadLetters: Awaited<ReturnType<typeof collectTopic>>;
  /** A job that went through queued → processing → completed, with this callback_url. */
  terminalJob(callbackUrl: string | null): Promise<ResultMessage>;
  /** The result as a Pub/Sub push body, one message id per result (redeliveries reuse it). */
  push(result: ResultMessage | string, messageId?: string): Promise<{ status: number; verdict: string | null }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Wraps the delivery store the handler uses (fault injection); `deliveries` stays the plain one. */
  wrapDeliveries?: (store: FirestoreDeliveryStore) => FirestoreDeliveryStore;
}

export async function notifierHarness(overrides: Record<string, string> = {}, options: HarnessOptions = {}): Promise<NotifierHarness> {
  const secrets = [newSecret(), newSecret()];
  const env = await testEnv({
    WEBHOOK_SECRET: secrets.join(','),
    ALLOW_INSECURE_CALLBACKS: '1',
    CALLBACK_ALLOWLIST: '127.0.0.1',
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_RETRY_DELAYS: '50,100',
    ...overrides,
  });
  const plain = notifierDeps(env.config);
  const deps = options.wrapDeliveries ? { ...plain, deliveries: options.wrapDeliveries(plain.deliveries) } : plain;
  const deadLetters = await collectTopic(env.pubsub, deadLetterTopicName(env.config));
  const name = `notifier-${env.project}`;
  functions.http(name, notifierHandler(deps));
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/projects/${env.project}/topics/${env.config.RESULTS_TOPIC}`;
  const store = new FirestoreJobStore(env.firestore);
  const messageIds = new Map<string, string>();
  return {
    env,
    deps,
    secrets,
    url,
    store,
    deliveries: new FirestoreDeliveryStore(env.firestore, env.config.JOB_TTL_DAYS),
    deadLetters,
    async terminalJob(callbackUrl) {
      const request = jobRequestSchema(env.config.MAX_JOB_TIMEOUT_MS).parse({ prompt: 'notify me' });
      const spec = { ...specFromRequest(request, { job_id: newJobId(), owner: 'alice', source: 'http', source_ref: null, lane: 'normal' }), callback_url: callbackUrl };
      await store.create(newJobDocument(spec, env.config.JOB_TTL_DAYS));
      const claim = await store.claim(spec, { holder: 'test-processor', leaseMs: 60_000, maxAttempts: 3, ttlDays: env.config.JOB_TTL_DAYS });
      if (claim.outcome !== 'claimed') throw new Error(`could not claim the test job: ${claim.outcome}`);
      const usage = { input_tokens: 3, cached_input_tokens: 0, output_tokens: 2, reasoning_output_tokens: 0, total_tokens: 5 };
      const result = { exit_code: 0, final_message: 'all done', stdout: 'out', stderr: '', execution_time_ms: 42, output_files: [], created_files: [], usage, thread_id: null };
      const job = await store.finish(spec.job_id, 'completed', { result }, 'test-processor');
      if (!job) throw new Error('could not finish the test job');
      return resultMessageFromJob(job);
    },
    async push(result, messageId) {
      const data = typeof result === 'string' ? result : JSON.stringify(result);
      const id = messageId ?? messageIds.get(data) ?? randomUUID();
      messageIds.set(data, id);
      const jobId = typeof result === 'string' ? 'unknown' : result.job_id;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          message: { data: Buffer.from(data).toString('base64'), messageId: id, attributes: { job_id: jobId } },
          subscription: `projects/${env.project}/subscriptions/${env.config.RESULTS_TOPIC}-notifier`,
        }),
      });
      await res.arrayBuffer();
      return { status: res.status, verdict: res.headers.get('x-verdict') };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deadLetters.stop();
      await Promise.allSettled([deps.pubsub.close(), deps.deliveries.db.terminate()]);
      await env.close();
    },
  };
}
