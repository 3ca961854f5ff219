// A job's environment, as the processor's outline uses it: what the agent's CODEX_HOME needs (env,
// network access), and one call between "workspace ready" and the turn that runs the setup phase and
// opens the agent's egress point. Secrets go to setup only; the redactor hides them everywhere else.
import { ZERO_USAGE, type JobDocument } from '../jobs/job-document.js';
import type { TurnOutcome, TurnStop } from '../codex/run-turn.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { environmentSpecSchema, phasePolicy, type EnvironmentSpec } from './environment-spec.js';
import { startAgentNetwork, type AgentNetwork } from './agent-network.js';
import { NetworkEvents } from './network-events.js';
import { proxyEnv } from './network-gate.js';
import { SecretRedactor } from './secret-redaction.js';
import { runSetupPhase, type EnvironmentRunOptions, type SetupResult } from './setup-phase.js';

/** A job's resolved environment: the spec it runs with and its secrets' values. */
export interface JobEnvironmentInput {
  spec: EnvironmentSpec;
  secrets: Record<string, string>;
}

/** How the processor finds a job's environment and the settings the run reads (wired to config by the lead). */
export interface EnvironmentDeps extends Omit<EnvironmentRunOptions, 'outputsBucket' | 'resultsBucket'> {
  of(job: JobDocument): JobEnvironmentInput | null;
}

/**
 * The job document's environment: an inline spec as given, or the job's copy (branch env-api: the spec
 * with `name` and the secrets' names, their sealed values beside it in `environment_secrets`). Sealed
 * secrets are not opened here: the lead wires `decryptSecrets(job.environment_secrets, ENV_SECRETS_KEY)`
 * into `of` at merge, with NETWORK_PRIVATE_ALLOWLIST and ENV_CACHE_MAX_BYTES from the config.
 */
export function defaultEnvironmentDeps(): EnvironmentDeps {
  return {
    of(job) {
      const raw = (job as { environment?: unknown }).environment;
      if (raw === undefined || raw === null || typeof raw !== 'object') return null;
      const { name: _name, secrets, ...rest } = raw as Record<string, unknown>;
      const spec = environmentSpecSchema.parse({ ...rest, secrets: Array.isArray(secrets) ? {} : secrets });
      return { spec, secrets: spec.secrets };
    },
    privateAllowlist: [],
    cacheMaxBytes: 2_147_483_648,
  };
}

/** What the agent's config.toml adds for this environment: its env, and network access through the gate. */
export function agentCodexSettings(env: JobEnvironmentInput | null): { networkAccess: boolean; set: Record<string, string> } {
  if (!env) return { networkAccess: false, set: {} };
  const networked = phasePolicy(env.spec, 'agent') !== 'off';
  return { networkAccess: networked, set: { ...env.spec.env, ...(networked ? proxyEnv() : {}) } };
}

export interface PreparedEnvironment {
  setup: SetupResult;
  /** Setup was stopped: the job ends as a stopped turn, without a turn. */
  stop?: TurnStop;
  /** The gated app-server's isolation and environment; null when the agent's network is off. */
  agent: AgentNetwork | null;
  close(): Promise<void>;
}

export async function prepareJobEnvironment(req: {
  job: JobDocument;
  env: JobEnvironmentInput;
  deps: EnvironmentDeps;
  buckets: { outputs: string; results: string };
  dirs: { root: string; workspace: string; home: string; tmpDir: string };
  codexBin: string;
  providerBaseUrl: string;
  blobs: BlobStore;
  emit: (type: string, data: Record<string, unknown>) => void;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<PreparedEnvironment> {
  const network = new NetworkEvents(req.emit);
  const { deps } = req;
  const phase = await runSetupPhase({
    jobId: req.job.job_id,
    owner: req.job.owner,
    spec: req.env.spec,
    secrets: req.env.secrets,
    dirs: req.dirs,
    codexBin: req.codexBin,
    options: { outputsBucket: req.buckets.outputs, resultsBucket: req.buckets.results, privateAllowlist: deps.privateAllowlist, cacheMaxBytes: deps.cacheMaxBytes },
    blobs: req.blobs,
    emit: req.emit,
    network,
    redactor: new SecretRedactor(req.env.secrets),
    timeoutMs: req.timeoutMs,
    signal: req.signal,
  });
  const agent = phase.stop
    ? null
    : await startAgentNetwork({ policy: phasePolicy(req.env.spec, 'agent'), privateAllowlist: deps.privateAllowlist, providerBaseUrl: req.providerBaseUrl, root: req.dirs.root, events: network });
  return { setup: phase.setup, ...(phase.stop ? { stop: phase.stop } : {}), agent, close: async () => agent?.close() };
}

/** The outcome of a job whose setup was stopped: no turn ran. */
export function stoppedBeforeTurn(stop: TurnStop): TurnOutcome {
  return { status: 'stopped', stop, finalMessage: '', threadId: null, usage: { ...ZERO_USAGE }, commandOutput: '', stderr: '', durationMs: 0 };
}
