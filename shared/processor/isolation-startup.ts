// The start-up gate for running jobs side by side. Where the namespace (or its private temp area)
// cannot be made, every job's folder is readable by every other job's agent: isolation between jobs
// cannot hold, so a host configured to run more than one job at once refuses to start, naming why,
// rather than quietly running one at a time (an operator who set 2 should see that 2 is not safe here).
import { processIsolation, type ProcessIsolation } from '../codex/process-isolation.js';
import type { Logger } from '../logging.js';

export class IsolationUnavailableError extends Error {
  override name = 'IsolationUnavailableError';
}

export interface ConcurrencySetting {
  name: 'PROCESSOR_CONCURRENCY' | 'WORKER_CONCURRENCY';
  value: number;
}

/** Logs `process isolation: …`; rejects when jobs would run side by side without a private temp area each. */
export async function requireJobIsolation(concurrency: ConcurrencySetting, log: Logger, isolation: Promise<ProcessIsolation> = processIsolation()): Promise<ProcessIsolation> {
  const iso = await isolation;
  if (iso.privateTemp) log.info(`process isolation: ${iso.description}`);
  else log.warn(`process isolation: ${iso.description}`);
  if (!iso.privateTemp && concurrency.value > 1) {
    const who = concurrency.name === 'WORKER_CONCURRENCY' ? 'the worker' : 'the processor';
    const message = `${who} refuses to start: ${concurrency.name}=${concurrency.value} runs jobs side by side, but this host cannot give each job a private temp area (process isolation: ${iso.description}), so one job's agent could read another job's workspace, CODEX_HOME and input. Set ${concurrency.name}=1, or run on a host where unshare can make PID and mount namespaces (docs/DEPLOY.md, "Isolation between jobs").`;
    log.error(message, { [concurrency.name]: concurrency.value });
    throw new IsolationUnavailableError(message);
  }
  return iso;
}
