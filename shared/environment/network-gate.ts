// How a job phase's processes get a network namespace of their own whose only way out is the egress
// proxy: `unshare --net` (with the user, mount and PID namespaces the app-server already gets, see
// codex/process-isolation.ts) starts netns-entry.js as the namespace's pid 1, which bridges fixed
// loopback ports to the proxies' unix sockets and then runs the phase's program. When it exits the
// kernel ends every process of the namespace.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedCommand, processIsolation, type ProcessIsolation } from '../codex/process-isolation.js';

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

/** The namespace's first program: netns-entry.js with its bridges, then (after `--`) the phase's program. */
function entryArgs(bridges: Bridge[]): string[] {
  return [process.execPath, NETNS_ENTRY, ...bridges.flatMap((b) => ['--bridge', `${b.port}=${b.socketPath}`]), '--'];
}

/**
 * The isolation a gated phase (setup, an app-server with network) is started with: the host's
 * (process-isolation.ts) with a network namespace added and netns-entry.js as its init, so
 * isolatedCommand(gated, root, argv) gives the program the same private temp view as any other
 * program of the job. The order matters: netns-entry must bring `lo` up while it still holds
 * CAP_NET_ADMIN in the namespace's owner; the private-temp wrapper then drops the program into a
 * nested user namespace (its mounts locked), where it could not.
 */
export function gatedIsolation(host: ProcessIsolation, bridges: Bridge[], euid = process.geteuid?.() ?? 0): ProcessIsolation {
  if (host.mode !== 'pid-namespace') {
    throw new Error(`a network policy needs PID and network namespaces, and this host has none: ${host.description}`);
  }
  return {
    ...host,
    prefix: [...unshareNetArgs(euid), ...entryArgs(bridges)],
    description: `${host.description}; a network namespace whose only way out is the egress proxy`,
  };
}

/** The argv that runs `argv` as a program of the job whose folder is `root`, in a gated namespace. */
export async function gatedCommand(root: string, bridges: Bridge[], argv: string[]): Promise<string[]> {
  return isolatedCommand(gatedIsolation(await processIsolation(), bridges), root, argv);
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
