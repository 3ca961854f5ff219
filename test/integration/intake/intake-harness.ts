// Serves an intake handler in-process under the Functions Framework (127.0.0.1, any port) and
// records every delivery it answered, so tests await the answer to an event instead of sleeping.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Firestore } from '@google-cloud/firestore';
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { JobDocument } from '../../../shared/jobs/job-document.js';
import { fromFirestore, JOBS_COLLECTION } from '../../../shared/store/firestore-job-store.js';

export interface Delivery {
  status: number;
  verdict: string;
  /** Attributes of a Pub/Sub push, or the CloudEvent's ce-* headers. */
  attributes: Record<string, string>;
  body: unknown;
}

export interface ServedFunction {
  url: string;
  deliveries: Delivery[];
  /** The first recorded delivery matching, now or when it comes. */
  next(match: (d: Delivery) => boolean, what: string, timeoutMs?: number): Promise<Delivery>;
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; verdict: string }>;
  close(): Promise<void>;
}

type Handler = Parameters<typeof functions.http>[1];

/** Registers `handler` (or an already registered target) and serves it. */
export async function serveFunction(target: string | Handler): Promise<ServedFunction> {
  const deliveries: Delivery[] = [];
  const waiters: { match: (d: Delivery) => boolean; resolve: (d: Delivery) => void }[] = [];
  const name = typeof target === 'string' ? target : `intake-test-${randomUUID().slice(0, 8)}`;
  if (typeof target !== 'string') functions.http(name, target);
  const server = getTestServer(name);
  server.on('request', (req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    res.on('finish', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // keep the raw text
      }
      const pushAttributes = (body as { message?: { attributes?: Record<string, string> } } | null)?.message?.attributes;
      const ceHeaders = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => k.startsWith('ce-') && typeof v === 'string')) as Record<string, string>;
      const d: Delivery = { status: res.statusCode, verdict: String(res.getHeader('x-verdict') ?? ''), attributes: pushAttributes ?? ceHeaders, body };
      deliveries.push(d);
      for (const w of [...waiters]) {
        if (w.match(d)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(d);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    deliveries,
    next: (match, what, timeoutMs = 30_000) => {
      const found = deliveries.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no delivery ${what} in ${timeoutMs} ms; got: ${JSON.stringify(deliveries.map((d) => [d.status, d.verdict, d.attributes]))}`)), timeoutMs);
        waiters.push({ match, resolve: (d) => (clearTimeout(timer), resolve(d)) });
      });
    },
    post: async (body, headers = {}) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      await res.arrayBuffer();
      return { status: res.status, verdict: res.headers.get('x-verdict') ?? '' };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

export async function jobsFromSourceRef(firestore: Firestore, sourceRef: string): Promise<JobDocument[]> {
  const snap = await firestore.collection(JOBS_COLLECTION).where('source_ref', '==', sourceRef).get();
  return snap.docs.map((d) => fromFirestore(d.data()));
}

/** A GCS notification config on a bucket of fake-gcs-server: the JSON API call Terraform makes in GCP. */
export async function createBucketNotification(bucket: string, topic: string): Promise<void> {
  const host = process.env.STORAGE_EMULATOR_HOST?.replace(/\/+$/, '').replace(/\/storage\/v1$/, '');
  const res = await fetch(`${host}/storage/v1/b/${encodeURIComponent(bucket)}/notificationConfigs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic: `//pubsub.googleapis.com/${topic}`, payload_format: 'JSON_API_V1', event_types: ['OBJECT_FINALIZE', 'OBJECT_DELETE'] }),
  });
  if (!res.ok) throw new Error(`creating the notification config failed: ${res.status} ${await res.text()}`);
}
