// Jobs with an environment through the processor harness: the environment of each submitted job is
// given here (until the job document carries it, the processor asks deps.environment for it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { environmentSpecSchema, type EnvironmentSpecInput } from '../../../shared/environment/environment-spec.js';
import type { JobEnvironmentInput } from '../../../shared/environment/job-environment.js';
import type { JobDocument, JobEvent } from '../../../shared/jobs/job-document.js';
import type { JobRequestInput } from '../../../shared/jobs/job-request.js';
import { processorHarness, type ProcessorHarness } from '../../support/processor-harness.js';

export interface EnvHarness {
  h: ProcessorHarness;
  /** Submits, delivers and waits for the job's end. */
  run(request: JobRequestInput, environment: EnvironmentSpecInput, options?: { owner?: string }): Promise<{ job: JobDocument; events: JobEvent[] }>;
  close(): Promise<void>;
}

export async function envHarness(privateAllowlist: string[], cacheMaxBytes = 2 ** 31): Promise<EnvHarness> {
  const h = await processorHarness();
  const envs = new Map<string, JobEnvironmentInput>();
  h.deps.environment = { of: (job) => envs.get(job.job_id) ?? null, privateAllowlist, cacheMaxBytes };
  return {
    h,
    async run(request, environment, options = {}) {
      const spec = environmentSpecSchema.parse(environment);
      const { job, message } = await h.submit(request, options);
      envs.set(job.job_id, { spec, secrets: spec.secrets });
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
