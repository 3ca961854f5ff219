// The processor's start-up gate: it serves no delivery unless the configured Codex sandbox works on
// this host. A failed probe is never answered by dropping to danger-full-access, because without the
// sandbox the agent can reach the metadata server and act as the processor's service account, which
// reads and writes every tenant's jobs and outputs.
import { sandboxProbeOnce } from '../codex/sandbox-probe.js';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';

export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError';
}

export const DANGER_FULL_ACCESS_WARNING =
  'CODEX_SANDBOX=danger-full-access: the agent’s commands run unconfined with the processor’s own rights. They can read the metadata server and use the processor’s service account (every tenant’s jobs, outputs and sessions), the function’s environment and the network. Use it only where each job runs on a throw-away host that is itself the sandbox.';

/** Resolves when the sandbox works (or is explicitly off, which logs an ERROR); rejects naming what the host lacks. */
export async function requireWorkingSandbox(config: Pick<Config, 'CODEX_BIN' | 'CODEX_SANDBOX'>, log: Logger): Promise<void> {
  if (config.CODEX_SANDBOX === 'danger-full-access') log.error(DANGER_FULL_ACCESS_WARNING, { sandbox: config.CODEX_SANDBOX });
  const probe = await sandboxProbeOnce(config.CODEX_BIN, config.CODEX_SANDBOX);
  if (!probe.ok) {
    const message = `the processor refuses to start: ${probe.message}`;
    log.error(message, { sandbox: config.CODEX_SANDBOX });
    throw new SandboxUnavailableError(message);
  }
  log.info(`sandbox probe: ${probe.message}`, { sandbox: config.CODEX_SANDBOX });
}
