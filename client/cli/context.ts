// What every verb gets: the output, the resolved config and an SDK client made from it on first use.
import { CodexJobs } from '../sdk/codex-jobs.js';
import { resolveConfig, type GlobalFlags, type ResolvedConfig } from './config.js';
import { makeOut, parseOutputMode, type Out } from './output.js';

export interface Ctx {
  out: Out;
  flags: GlobalFlags & { output?: string; debug?: boolean };
  config(o?: { needKey: boolean }): ResolvedConfig;
  sdk(o?: { needKey: boolean }): CodexJobs;
}

export function makeCtx(flags: Ctx['flags'], env: NodeJS.ProcessEnv = process.env): Ctx {
  const out = makeOut(parseOutputMode(flags.output));
  let client: CodexJobs | undefined;
  const config = (o = { needKey: true }) => resolveConfig(flags, env, o);
  return {
    out,
    flags,
    config,
    sdk(o = { needKey: true }) {
      if (!client) {
        const c = config(o);
        client = new CodexJobs({ url: c.url, apiKey: c.apiKey, maxRetries: Number(env.CODEX_JOBS_MAX_RETRIES ?? 2), timeoutMs: Number(env.CODEX_JOBS_TIMEOUT_MS ?? 30_000) });
      }
      return client;
    },
  };
}
