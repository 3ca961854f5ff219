// A job's environment, as the processor's outline uses it: what the agent's CODEX_HOME needs (env,
// network access), and one call between "workspace ready" and the turn that runs the setup phase and
// opens the agent's egress point. Secrets go to setup only; the redactor hides them everywhere else.
import { ZERO_USAGE, type JobDocument } from '../jobs/job-document.js';
import type { TurnOutcome, TurnStop } from '../codex/run-turn.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Config } from '../config.js';
import type { SetupResult } from './environment-schemas.js';
import { decryptSecrets, SecretsError } from './secret-box.js';
import { environmentSpecSchema, phasePolicy, type EnvironmentSpec } from './environment-spec.js';
import { startAgentNetwork, type AgentNetwork } from './agent-network.js';
import { NetworkEvents } from './network-events.js';
import { providerFromConfig } from '../codex/codex-home.js';
import { proxyEnv } from './network-gate.js';
import { SecretRedactor } from './secret-redaction.js';
import { runSetupPhase, type EnvironmentRunOptions, type SetupFence } from './setup-phase.js';

/** A job's resolved environment: the spec it runs with and its secrets' values. */
export interface JobEnvironmentInput {
  spec: EnvironmentSpec;
  secrets: Record<string, string>;
}

/** How the processor finds a job's environment and the settings its run reads. */
export interface EnvironmentDeps extends Omit<EnvironmentRunOptions, 'outputsBucket' | 'resultsBucket'> {
  of(job: JobDocument): JobEnvironmentInput | null;
}

/**
 * The job document's copy of its environment (name null when inline, secrets by name) with the sealed
 * values beside it (`environment_secrets`) opened with ENV_SECRETS_KEY. A secret the copy names but
 * cannot be opened fails the job (SecretsError names the secret, never a value).
 */
export function environmentOfJob(job: Pick<JobDocument, 'environment' | 'environment_secrets'>, keys: Config['ENV_SECRETS_KEY']): JobEnvironmentInput | null {
  if (!job.environment) return null;
  const { name: _name, secrets: names, ...rest } = job.environment;
  const secrets = decryptSecrets(job.environment_secrets, keys);
  const missing = names.filter((n) => !(n in secrets));
  if (missing.length) throw new SecretsError(`the environment names secrets whose sealed values are missing: ${missing.join(', ')}`);
  const spec = environmentSpecSchema.parse({ ...rest, secrets });
  return { spec, secrets: spec.secrets };
}

/** The processor's environment wiring from its configuration. */
export function defaultEnvironmentDeps(config: Pick<Config, 'ENV_SECRETS_KEY' | 'NETWORK_PRIVATE_ALLOWLIST' | 'ENV_CACHE_MAX_BYTES'>): EnvironmentDeps {
  return {
    of: (job) => environmentOfJob(job, config.ENV_SECRETS_KEY),
    privateAllowlist: config.NETWORK_PRIVATE_ALLOWLIST,
    cacheMaxBytes: config.ENV_CACHE_MAX_BYTES,
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
  config: Pick<Config, 'OUTPUTS_BUCKET' | 'RESULTS_BUCKET' | 'CODEX_BIN'> & Parameters<typeof providerFromConfig>[0];
  dirs: { root: string; workspace: string; home: string; tmpDir: string };
  blobs: BlobStore;
  /** The run's fenced writes: setup.log goes through `objects`, the cache save waits on `guard.check()`. */
  objects: SetupFence['objects'];
  guard: SetupFence['guard'];
  emit: (type: string, data: Record<string, unknown>) => void;
  timeoutMs: number;
  signal: AbortSignal;
}): Promise<PreparedEnvironment> {
  const network = new NetworkEvents(req.emit);
  const { deps, config } = req;
  const phase = await runSetupPhase({
    jobId: req.job.job_id,
    owner: req.job.owner,
    spec: req.env.spec,
    secrets: req.env.secrets,
    dirs: req.dirs,
    codexBin: config.CODEX_BIN,
    options: { outputsBucket: config.OUTPUTS_BUCKET, resultsBucket: config.RESULTS_BUCKET, privateAllowlist: deps.privateAllowlist, cacheMaxBytes: deps.cacheMaxBytes },
    blobs: req.blobs,
    fence: { objects: req.objects, guard: req.guard },
    emit: req.emit,
    network,
    redactor: new SecretRedactor(req.env.secrets),
    timeoutMs: req.timeoutMs,
    signal: req.signal,
  });
  const agent = phase.stop
    ? null
    : await startAgentNetwork({ policy: phasePolicy(req.env.spec, 'agent'), privateAllowlist: deps.privateAllowlist, providerBaseUrl: providerFromConfig(config).baseUrl, root: req.dirs.root, events: network });
  return { setup: phase.setup, ...(phase.stop ? { stop: phase.stop } : {}), agent, close: async () => agent?.close() };
}

/** The outcome of a job whose setup was stopped: no turn ran. */
export function stoppedBeforeTurn(stop: TurnStop): TurnOutcome {
  return { status: 'stopped', stop, finalMessage: '', threadId: null, usage: { ...ZERO_USAGE }, commandOutput: '', stderr: '', durationMs: 0 };
}
