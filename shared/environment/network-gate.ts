// How a job phase's processes get a network namespace of their own whose only way out is the egress
// proxy: `unshare --net` (with the user, mount and PID namespaces the app-server already gets, see
// codex/process-isolation.ts) starts netns-entry.js as the namespace's pid 1, which bridges fixed
// loopback ports to the proxies' unix sockets and then runs the phase's program. When it exits the
// kernel ends every process of the namespace.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessIsolation } from '../codex/process-isolation.js';

/** A loopback port inside the namespace, piped to a unix socket outside it. */
export interface Bridge {
  port: number;
  socketPath: string;
}

/** The port the phase's proxy variables name inside its namespace. */
export const PROXY_PORT = 3128;

export const NETNS_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'netns-entry.js');

/** `unshare` with a network namespace; as root without the user namespace (as process-isolation does). */
export function unshareNetArgs(euid: number): string[] {
  return ['unshare', ...(euid === 0 ? [] : ['--user', '--map-root-user']), '--net', '--mount-proc', '--pid', '--fork', '--kill-child', '--'];
}

/**
 * Placeholder for the job's private mount view (branch iso-fs: process-isolation's private temp
 * wrapper); swapped for it at merge so setup and the gated app-server get the same view as the rest.
 */
export function inJobIsolation(_root: string, argv: string[]): string[] {
  return argv;
}

/** The argv prefix that runs a program in a gated namespace (the program's argv follows it). */
export function gatePrefix(root: string, bridges: Bridge[], euid = process.geteuid?.() ?? 0): string[] {
  const entry = [process.execPath, NETNS_ENTRY, ...bridges.flatMap((b) => ['--bridge', `${b.port}=${b.socketPath}`]), '--'];
  return [...unshareNetArgs(euid), ...inJobIsolation(root, entry)];
}

/** The isolation an app-server is started with when its commands may use the network. */
export function gatedIsolation(root: string, bridges: Bridge[]): ProcessIsolation {
  return { mode: 'pid-namespace', prefix: gatePrefix(root, bridges), description: 'pid and network namespace; the egress proxy is the only way out' };
}

/** The proxy variables for a phase's commands: every common spelling, and nothing exempted. */
export function proxyEnv(port = PROXY_PORT): Record<string, string> {
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {};
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'npm_config_proxy', 'npm_config_https_proxy', 'YARN_HTTP_PROXY', 'YARN_HTTPS_PROXY', 'PIP_PROXY']) {
    env[name] = url;
    env[name.toLowerCase()] = url;
  }
  env.NO_PROXY = '';
  env.no_proxy = '';
  return env;
}
