// The egress policy of one phase (setup or agent): may a job's command reach host:port with this
// method? Decided on the requested name AND on every address it resolves to; the caller connects to
// exactly the addresses returned (no DNS rebinding between the check and the connection). The address
// rules are the callbacks' (shared/webhooks/address-policy.ts): only global unicast passes, unless the
// operator lists the host, the address or a range around it in NETWORK_PRIVATE_ALLOWLIST. Metadata
// servers never pass, whatever the policy or the allowlist says.
import {
  addressAllowed,
  addressReason,
  compileAllowlist,
  hostAllowed,
  internalNameReason,
  parseAddress,
  systemResolve,
  withDeadline,
  DNS_LOOKUP_TIMEOUT_MS,
} from '../webhooks/address-policy.js';
import type { NetworkPolicy } from './environment-spec.js';
import { isMetadataAddress, isMetadataHost } from './metadata-addresses.js';
import { expandPresets } from './network-presets.js';

export interface EgressDecision {
  allowed: boolean;
  /** Why it was refused (absent when allowed). */
  reason?: string;
  /** The checked addresses to connect to (empty when refused). */
  addresses: string[];
}

export interface EgressPolicyOptions {
  /** NETWORK_PRIVATE_ALLOWLIST entries: host names, addresses, CIDR ranges. */
  privateAllowlist: readonly string[];
  resolve?: (host: string) => Promise<string[]>;
  dnsTimeoutMs?: number;
}

export interface EgressPolicy {
  decide(host: string, port: number, method: string): Promise<EgressDecision>;
}

const refuse = (reason: string): EgressDecision => ({ allowed: false, reason, addresses: [] });

export function normaliseHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase().replace(/\.$/, '');
  const literal = parseAddress(lower);
  return literal ? literal.toString() : lower;
}

/** Whether an allow entry (host, `*.` wildcard of subdomains, or address) names the host. */
function allowEntryMatches(entry: string, host: string): boolean {
  const e = normaliseHost(entry);
  return e.startsWith('*.') ? host.endsWith(e.slice(1)) : e === host;
}

export function compileEgressPolicy(policy: NetworkPolicy, options: EgressPolicyOptions): EgressPolicy {
  const privateList = compileAllowlist([...options.privateAllowlist]);
  const allow = typeof policy === 'object' ? expandPresets(policy.allow) : null;
  const methods = typeof policy === 'object' && policy.methods ? new Set<string>(policy.methods) : null;
  const resolve = options.resolve ?? systemResolve;
  const timeoutMs = options.dnsTimeoutMs ?? DNS_LOOKUP_TIMEOUT_MS;

  return {
    async decide(rawHost, port, method) {
      const host = normaliseHost(rawHost);
      if (policy === 'off') return refuse('the network is off for this phase');
      if (!Number.isInteger(port) || port < 1 || port > 65535) return refuse(`port ${port} is not a TCP port`);
      if (isMetadataHost(host) || isMetadataAddress(host)) return refuse('a cloud metadata server is never reachable from a job');
      if (allow && !allow.some((entry) => allowEntryMatches(entry, host))) return refuse('the host is not in the allow list');
      if (methods && !methods.has(method.toUpperCase())) {
        return refuse(method.toUpperCase() === 'CONNECT' ? 'CONNECT (https) is not among the allowed methods' : `method ${method.toUpperCase()} is not among the allowed methods`);
      }

      const literal = parseAddress(host);
      if (literal) {
        const why = addressReason(literal);
        if (why && !addressAllowed(privateList, literal)) return refuse(`${host} is ${why}, reachable only when listed in NETWORK_PRIVATE_ALLOWLIST`);
        return { allowed: true, addresses: [literal.toString()] };
      }

      const namedPrivate = hostAllowed(privateList, host);
      const nameWhy = internalNameReason(host);
      if (nameWhy && !namedPrivate) return refuse(`the host ${nameWhy}, reachable only when listed in NETWORK_PRIVATE_ALLOWLIST`);

      let resolved: string[];
      try {
        resolved = await withDeadline(resolve(host), timeoutMs);
      } catch (err) {
        return refuse(`the host could not be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      if (resolved.length === 0) return refuse('the host resolved to no address');
      const addresses: string[] = [];
      for (const text of resolved) {
        const address = parseAddress(text);
        if (!address) return refuse(`the host resolved to ${text}, which is not an IP address`);
        if (isMetadataAddress(address.toString())) return refuse(`the host resolves to ${address.toString()}, a cloud metadata server`);
        const why = addressReason(address);
        if (why && !namedPrivate && !addressAllowed(privateList, address)) {
          return refuse(`the host resolves to ${address.toString()}, ${why}, reachable only when listed in NETWORK_PRIVATE_ALLOWLIST`);
        }
        addresses.push(address.toString());
      }
      return { allowed: true, addresses };
    },
  };
}
