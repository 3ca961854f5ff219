// The environment of the local stack's functions: the user's variables win, the local defaults fill
// only what the user left unset, and the emulator hosts are the ones the stack runs. An empty value is
// a value: `CALLBACK_ALLOWLIST=` reaches the functions as set (no exceptions), never as the dev
// default. Also says, without any secret, which API keys work.
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../shared/config.js';

export const DEV_API_KEY = 'dev-key-codex-jobs-local';
const DEV_WEBHOOK_SECRET = 'whsec_' + Buffer.from('codex-jobs-local-dev-webhook-secret').toString('base64');
export const DEFAULT_LOCAL_PROJECT = 'codex-jobs-local';

/** Which API keys the stack's API accepts. The user's keys are named, never shown. */
export type StackApiKeys =
  | { source: 'default'; names: ['dev']; devKey: string }
  | { source: 'user'; names: string[]; devKey: undefined };

export interface StackEnvInput {
  /** Variables the user set (npm start: the shell's environment). */
  user: NodeJS.ProcessEnv;
  /** Variables the caller of startStack set; they win over `user`. */
  overrides?: Record<string, string>;
  /** The project the caller asked for; wins over both. */
  projectId?: string;
  /** The offline model's variables, when the stack runs it. */
  model?: Record<string, string>;
}

export interface StackEnv {
  /** Everything the stack decided (defaults + user + overrides), without the emulator hosts. */
  env: Record<string, string>;
  project: string;
  apiKeys: StackApiKeys;
  /** Names of the defaults the stack filled in because the user left them unset. */
  defaulted: string[];
}

const isSet = (value: string | undefined): value is string => value !== undefined;
/** The offline model's wiring replaces an empty value too: an empty OPENAI_API_KEY is how the user says "no model". */
const isGiven = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The local defaults, for every name the user did not set. */
function localDefaults(): Record<string, string> {
  return {
    API_KEYS: `dev:${DEV_API_KEY}`,
    ADMIN_KEYS: '',
    WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
    // Local receivers (127.0.0.1) are allowed in the local stack only.
    ALLOW_INSECURE_CALLBACKS: '1',
    CALLBACK_ALLOWLIST: '127.0.0.1,localhost',
    METADATA_SERVER_DETECTION: 'none',
    // A fresh key per start seals environment secrets (the emulators' data lives as long as the stack).
    ENV_SECRETS_KEY: randomBytes(32).toString('base64'),
  };
}

export function resolveStackEnv(input: StackEnvInput): StackEnv {
  const given: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.user)) if (isSet(v)) given[k] = v;
  for (const [k, v] of Object.entries(input.overrides ?? {})) if (isSet(v)) given[k] = v;
  if (input.projectId) given.GOOGLE_CLOUD_PROJECT = input.projectId;
  const defaults: Record<string, string> = { ...localDefaults(), GOOGLE_CLOUD_PROJECT: DEFAULT_LOCAL_PROJECT };
  const model = input.model ?? {};
  const defaulted = [...Object.keys(defaults).filter((k) => !isSet(given[k])), ...Object.keys(model).filter((k) => !isGiven(given[k]))];
  const env: Record<string, string> = { ...given };
  for (const k of defaulted) env[k] = defaults[k] ?? model[k]!;
  // An empty GOOGLE_CLOUD_PROJECT reaches the functions as set; their config reads it as its default, the same name.
  const project = env.GOOGLE_CLOUD_PROJECT || DEFAULT_LOCAL_PROJECT;
  const apiKeys: StackApiKeys = defaulted.includes('API_KEYS')
    ? { source: 'default', names: ['dev'], devKey: DEV_API_KEY }
    : { source: 'user', names: parseConfig({ API_KEYS: given.API_KEYS }).API_KEYS.map((k) => k.name), devKey: undefined };
  return { env, project, apiKeys, defaulted };
}

/** The first key of an API_KEYS value given in clear (`name:key`), for the stack's own demo job; never printed. */
export function firstClearKey(apiKeys: string | undefined): { name: string; key: string } | undefined {
  for (const entry of (apiKeys ?? '').split(/[\s,]+/)) {
    const idx = entry.indexOf(':');
    if (idx <= 0) continue;
    const key = entry.slice(idx + 1);
    if (!/^sha256:[0-9a-fA-F]{64}$/.test(key)) return { name: entry.slice(0, idx), key };
  }
  return undefined;
}
