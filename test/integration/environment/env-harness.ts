// Jobs with an environment through the processor harness: each job is submitted as the API does it
// (shared/api/job-environment.ts: the spec copied onto the job, its secrets sealed with ENV_SECRETS_KEY),
// and the processor opens them with its own configuration (NETWORK_PRIVATE_ALLOWLIST, ENV_CACHE_MAX_BYTES).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveJobEnvironment } from '../../../shared/api/job-environment.js';
import type { EnvironmentStore } from '../../../shared/environment/environment-store.js';
import { environmentSpecSchema, type EnvironmentSpecInput } from '../../../shared/environment/environment-spec.js';
import type { JobDocument, JobEvent } from '../../../shared/jobs/job-document.js';
import { timeoutLimits } from '../../../shared/jobs/job-lane.js';
import { jobRequestSchema, type JobRequestInput } from '../../../shared/jobs/job-request.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

export interface EnvHarness {
  h: ProcessorHarness;
  /** Submits, delivers and waits for the job's end. */
  run(request: JobRequestInput, environment: EnvironmentSpecInput, options?: { owner?: string }): Promise<{ job: JobDocument; events: JobEvent[] }>;
  close(): Promise<void>;
}

export async function envHarness(privateAllowlist: string[], cacheMaxBytes = 2 ** 31): Promise<EnvHarness> {
  const h = await processorHarness({
    ENV_SECRETS_KEY: randomBytes(32).toString('hex'),
    NETWORK_PRIVATE_ALLOWLIST: privateAllowlist.join(','),
    ENV_CACHE_MAX_BYTES: String(cacheMaxBytes),
  });
  const noStore = {} as EnvironmentStore; // inline environments only: no lookup
  return {
    h,
    async run(request, environment, options = {}) {
      const owner = options.owner ?? 'alice';
      const parsed = jobRequestSchema(timeoutLimits(h.env.config)).parse({ ...request, environment: environmentSpecSchema.parse(environment) });
      const resolved = await resolveJobEnvironment({ environments: noStore, config: h.env.config }, owner, parsed);
      const { job, message } = await h.submit(request, { owner, environment: resolved });
      await h.deliver(message);
      const done = await h.waitForJob(job.job_id, (j) => ['completed', 'failed', 'cancelled'].includes(j.status));
      const snap = await h.env.firestore.collection('jobs').doc(job.job_id).collection('events').orderBy('seq').get();
      return { job: done, events: snap.docs.map((d) => d.data() as JobEvent) };
    },
    close: () => h.close(),
  };
}

/** A plain HTTP server on 127.0.0.1 that answers `ok <path>` and remembers every path asked. */
export async function plainServer(): Promise<{ port: number; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    res.end(`ok ${req.url}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    paths,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export const commandEvents = (events: JobEvent[]) => events.filter((e) => e.type === 'command');
export const networkEvents = (events: JobEvent[]) => events.filter((e) => e.type === 'network').map((e) => e.data);
export const setupEvents = (events: JobEvent[]) => events.filter((e) => e.type === 'setup').map((e) => e.data);
