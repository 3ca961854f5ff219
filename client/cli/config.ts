// Where the CLI finds its API: --url/--key > CODEX_JOBS_URL/CODEX_JOBS_API_KEY > a profile
// (--profile, CODEX_JOBS_PROFILE, else `default`) of $XDG_CONFIG_HOME/codex-jobs/config.json
// (~/.config when XDG_CONFIG_HOME is unset) = {"profiles": {"NAME": {"url", "api_key"}}}.
// With nothing configured it talks to the local stack (`npm start`) with its dev key.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from './exit-codes.js';

export const LOCAL_STACK_URL = 'http://127.0.0.1:8080';
/** The local stack's key (dev/stack.ts DEV_API_KEY); used only against LOCAL_STACK_URL by default. */
export const LOCAL_STACK_KEY = 'dev-key-codex-jobs-local';

const configFileSchema = z.object({
  profiles: z.record(z.string(), z.object({ url: z.string().optional(), api_key: z.string().optional() })).default({}),
});

export interface GlobalFlags {
  url?: string;
  key?: string;
  profile?: string;
}

export interface ResolvedConfig {
  url: string;
  apiKey: string | undefined;
  profile: string;
  file: string;
  /** Where each value came from, for doctor and error messages. */
  from: { url: string; key: string };
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'codex-jobs', 'config.json');
}

function readProfiles(file: string): z.infer<typeof configFileSchema>['profiles'] | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not valid JSON: fix it or remove it`);
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`${file} must be {"profiles": {"NAME": {"url": "…", "api_key": "…"}}}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data.profiles;
}

export function resolveConfig(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env, o: { needKey: boolean } = { needKey: true }): ResolvedConfig {
  const file = configFilePath(env);
  const named = flags.profile ?? (env.CODEX_JOBS_PROFILE || undefined);
  const profileName = named ?? 'default';
  const profiles = readProfiles(file);
  const profile = profiles?.[profileName];
  if (named && !profile) {
    throw new UsageError(`profile "${profileName}" is not in ${file}${profiles ? ` (profiles: ${Object.keys(profiles).join(', ') || 'none'})` : ' (the file does not exist)'}`);
  }
  let url: string | undefined;
  let urlFrom: string;
  if (flags.url) [url, urlFrom] = [flags.url, '--url'];
  else if (env.CODEX_JOBS_URL) [url, urlFrom] = [env.CODEX_JOBS_URL, 'CODEX_JOBS_URL'];
  else if (profile?.url) [url, urlFrom] = [profile.url, `profile ${profileName}`];
  else [url, urlFrom] = [LOCAL_STACK_URL, 'the local stack default'];
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new UsageError(`the API URL "${url}" (from ${urlFrom}) is not a URL: use e.g. http://127.0.0.1:8080`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') throw new UsageError(`the API URL "${url}" (from ${urlFrom}) must be http or https`);

  let apiKey: string | undefined;
  let keyFrom: string;
  if (flags.key) [apiKey, keyFrom] = [flags.key, '--key'];
  else if (env.CODEX_JOBS_API_KEY) [apiKey, keyFrom] = [env.CODEX_JOBS_API_KEY, 'CODEX_JOBS_API_KEY'];
  else if (profile?.api_key) [apiKey, keyFrom] = [profile.api_key, `profile ${profileName}`];
  else if (urlFrom === 'the local stack default') [apiKey, keyFrom] = [LOCAL_STACK_KEY, 'the local stack default'];
  else [apiKey, keyFrom] = [undefined, 'nowhere'];
  if (o.needKey && !apiKey) {
    throw new UsageError(`no API key for ${url}: pass --key, set CODEX_JOBS_API_KEY, or add "api_key" to profile "${profileName}" in ${file}`);
  }
  return { url, apiKey, profile: profileName, file, from: { url: urlFrom, key: keyFrom } };
}
