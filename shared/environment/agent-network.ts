// The agent's network when its policy is not "off": the app-server runs in a gated network namespace
// (network-gate.ts) and its commands share it (workspace-write with network access), so everything
// they reach goes through the agent's egress proxy. The app-server itself still needs the model: a
// loopback provider (the scripted model, a local gateway) is piped through on its own port; a remote
// one through a second proxy that lets only the provider's host through (HTTPS_PROXY of the server).
// With the policy "off" nothing here runs: Codex's sandbox gives the commands no network at all.
import net from 'node:net';
import path from 'node:path';
import { processIsolation, type ProcessIsolation } from '../codex/process-isolation.js';
import { startEgressProxy, type EgressProxy } from './egress-proxy.js';
import type { NetworkPolicy } from './environment-spec.js';
import type { NetworkEvents } from './network-events.js';
import { gatedIsolation, PROXY_PORT, proxyEnv, type Bridge } from './network-gate.js';
import { compileEgressPolicy } from './network-policy.js';

/** The in-namespace port of the model proxy (a remote provider). */
export const MODEL_PROXY_PORT = 3129;

export interface AgentNetwork {
  /** How the app-server is started (replaces the default process isolation). */
  isolation: ProcessIsolation;
  /** Added to the app-server's own environment (the model proxy, for a remote provider). */
  serverEnv: Record<string, string>;
  /** Set for the agent's commands (shell_environment_policy.set). */
  commandEnv: Record<string, string>;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** A unix socket whose every connection is piped to host:port (the model, on the host's loopback). */
function pipeToTcp(socketPath: string, host: string, port: number): Promise<{ close(): Promise<void> }> {
  const open = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host, port });
    for (const s of [inbound, outbound]) {
      open.add(s);
      s.once('close', () => open.delete(s));
    }
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            for (const s of open) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}

export async function startAgentNetwork(req: {
  policy: NetworkPolicy;
  privateAllowlist: readonly string[];
  providerBaseUrl: string;
  root: string;
  events: NetworkEvents;
}): Promise<AgentNetwork | null> {
  if (req.policy === 'off') return null;
  const closers: Array<{ close(): Promise<void> }> = [];
  try {
    const agentProxy: EgressProxy = await startEgressProxy({
      listen: { path: path.join(req.root, 'egress-agent.sock') },
      policy: compileEgressPolicy(req.policy, { privateAllowlist: req.privateAllowlist }),
      phase: 'agent',
      events: req.events,
    });
    closers.push(agentProxy);
    const bridges: Bridge[] = [{ port: PROXY_PORT, socketPath: agentProxy.address as string }];
    const provider = new URL(req.providerBaseUrl);
    const providerPort = Number(provider.port) || (provider.protocol === 'https:' ? 443 : 80);
    const serverEnv: Record<string, string> = {};
    const modelSocket = path.join(req.root, 'model.sock');
    if (isLoopback(provider.hostname)) {
      closers.push(await pipeToTcp(modelSocket, provider.hostname.replace(/^\[|\]$/g, ''), providerPort));
      bridges.push({ port: providerPort, socketPath: modelSocket });
    } else {
      // Only the provider's host and port, whatever the agent's policy says; not recorded as the job's traffic.
      const host = provider.hostname;
      closers.push(await startEgressProxy({ listen: { path: modelSocket }, policy: compileEgressPolicy({ allow: [host] }, { privateAllowlist: req.privateAllowlist }), phase: 'agent' }));
      bridges.push({ port: MODEL_PROXY_PORT, socketPath: modelSocket });
      const url = `http://127.0.0.1:${MODEL_PROXY_PORT}`;
      Object.assign(serverEnv, { HTTPS_PROXY: url, HTTP_PROXY: url, https_proxy: url, http_proxy: url, NO_PROXY: '', no_proxy: '' });
    }
    return {
      isolation: gatedIsolation(await processIsolation(), bridges),
      serverEnv,
      commandEnv: proxyEnv(PROXY_PORT),
      close: async () => {
        await Promise.all(closers.map((c) => c.close()));
      },
    };
  } catch (err) {
    await Promise.all(closers.map((c) => c.close()));
    throw err;
  }
}
