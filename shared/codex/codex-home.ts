// A job's private CODEX_HOME (config.toml) and the scrubbed environment of the Codex child.
// The model key reaches Codex only through its provider config: `env_key` names a variable that only
// the app-server process holds. Not the key itself in config.toml: the sandbox leaves the whole
// filesystem readable, so the agent could `cat ../codex-home/config.toml`. The agent's commands get
// neither: shell_environment_policy drops *KEY* and the sandbox's PID namespace hides the server's environ.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';

export const DEFAULT_PROVIDER_BASE_URL = 'https://api.openai.com/v1';
/** The variable of the app-server's environment that holds the model key (matches the `*KEY*` exclude). */
export const MODEL_KEY_ENV = 'CODEX_JOBS_MODEL_KEY';

export interface ModelProvider {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
}

export function providerFromConfig(config: Pick<Config, 'CODEX_PROVIDER_BASE_URL' | 'OPENAI_API_KEY' | 'CODEX_MODEL'>): ModelProvider {
  return { baseUrl: config.CODEX_PROVIDER_BASE_URL ?? DEFAULT_PROVIDER_BASE_URL, apiKey: config.OPENAI_API_KEY, model: config.CODEX_MODEL };
}

const toml = (value: string) => JSON.stringify(value); // a JSON string is a valid TOML basic string

/** What a job's environment adds: variables for the agent's commands, and network access through its egress gate. */
export interface AgentSettings {
  networkAccess: boolean;
  set: Record<string, string>;
}

export function configToml(provider: ModelProvider, sandbox: Config['CODEX_SANDBOX'], agent: AgentSettings = { networkAccess: false, set: {} }): string {
  const local = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(provider.baseUrl + '/');
  return [
    `model = ${toml(provider.model)}`,
    'model_provider = "jobs"',
    'approval_policy = "never"',
    `sandbox_mode = ${toml(sandbox)}`,
    'check_for_update_on_startup = false',
    '[analytics]',
    'enabled = false',
    '[features]',
    'plugins = false',
    '[sandbox_workspace_write]',
    // /tmp and $TMPDIR stay read-only for the agent: its scratch space is the workspace.
    'exclude_slash_tmp = true',
    'exclude_tmpdir_env_var = true',
    // Only with an environment whose agent policy is not "off": the app-server then runs in a network
    // namespace whose one way out is the job's egress proxy (environment/agent-network.ts).
    ...(agent.networkAccess ? ['network_access = true'] : []),
    '[shell_environment_policy]',
    // Commands see only core variables (PATH, HOME, …), never anything named like a secret.
    'inherit = "core"',
    'exclude = ["*KEY*", "*SECRET*", "*TOKEN*", "GOOGLE_*", "API_KEYS"]',
    ...(Object.keys(agent.set).length ? ['[shell_environment_policy.set]', ...Object.entries(agent.set).map(([k, v]) => `${k} = ${toml(v)}`)] : []),
    '[model_providers.jobs]',
    'name = "codex-jobs provider"',
    `base_url = ${toml(provider.baseUrl)}`,
    'wire_api = "responses"',
    ...(provider.apiKey ? [`env_key = ${toml(MODEL_KEY_ENV)}`] : []),
    // A local (scripted) provider fails fast; a real one keeps Codex's own retry policy.
    ...(local ? ['request_max_retries = 0', 'stream_max_retries = 0'] : []),
    '',
  ].join('\n');
}

export async function writeCodexHome(codexHome: string, provider: ModelProvider, sandbox: Config['CODEX_SANDBOX'], agent?: AgentSettings): Promise<void> {
  await writeFile(path.join(codexHome, 'config.toml'), configToml(provider, sandbox, agent), { mode: 0o600 });
}

/** Variables the Codex child may inherit; everything else of the function (keys, secrets, GOOGLE_*) is dropped. */
const PASS_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

export function scrubbedEnv(parent: NodeJS.ProcessEnv, dirs: { codexHome: string; tmpDir: string; home: string }, modelKey?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of PASS_THROUGH) if (parent[key]) env[key] = parent[key];
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  env.HOME = dirs.home;
  env.CODEX_HOME = dirs.codexHome;
  env.TMPDIR = dirs.tmpDir;
  if (modelKey) env[MODEL_KEY_ENV] = modelKey;
  return env;
}
