// SSRF rules for callback URLs, applied at enqueue and again at delivery. The URL must be https
// (http only with ALLOW_INSECURE_CALLBACKS) and every address its host resolves to must be public
// unicast, unless the host, the address or a CIDR around it is in CALLBACK_ALLOWLIST. The checked
// addresses are returned so the delivery connects to exactly those (no DNS rebinding). The address
// rules are exported: the jobs' egress policy (shared/environment/network-policy.ts) applies the same ones.
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.js';

/** Why a URL was refused; `unresolvable` is the only one that may pass on a later try. */
export type CallbackUrlProblem = 'invalid' | 'scheme' | 'credentials' | 'hostname' | 'address' | 'unresolvable';

export class CallbackUrlError extends Error {
  override name = 'CallbackUrlError';
  constructor(
    message: string,
    readonly problem: CallbackUrlProblem = 'invalid',
  ) {
    super(message);
  }
}

export interface AddressPolicy {
  allowInsecure: boolean;
  allowlist: string[];
}

export function addressPolicyFromConfig(config: Pick<Config, 'ALLOW_INSECURE_CALLBACKS' | 'CALLBACK_ALLOWLIST'>): AddressPolicy {
  return { allowInsecure: config.ALLOW_INSECURE_CALLBACKS, allowlist: config.CALLBACK_ALLOWLIST };
}

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

const MAX_URL_LENGTH = 2048;

/** Names that reach the machine itself or the cloud metadata server, whatever DNS says. */
export function internalNameReason(host: string): string | undefined {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'is a loopback name';
  if (host === 'metadata.google.internal' || host === 'metadata' || host === 'metadata.goog') return 'is the cloud metadata server';
  if (host.endsWith('.internal') || host.endsWith('.local') || host.endsWith('.home.arpa')) return 'is a private-use name';
  if (!host.includes('.')) return 'is a single-label name (resolved through local search domains)';
  return undefined;
}

/** ipaddr.js range names → the reason shown to the client. Only `unicast` (global) passes. */
const rangeReasons: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT (100.64.0.0/10) address',
  private: 'a private (RFC 1918) address',
  uniqueLocal: 'a unique-local (fc00::/7) address',
  reserved: 'a reserved address',
  deprecatedSiteLocal: 'a site-local address',
  // Ranges that embed or translate IPv4 addresses could reach private IPv4 space.
  rfc6145: 'an IPv4-translated address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
  ipv4Mapped: 'an IPv4-mapped address',
  discard: 'a discard-only (100::/64) address',
  benchmarking: 'a benchmarking address',
  amt: 'an AMT relay address',
  as112: 'an AS112 address',
  as112v6: 'an AS112 address',
  deprecatedOrchid: 'an ORCHID address',
  orchid2: 'an ORCHID address',
  segmentRouting: 'a segment-routing (5f00::/16) address',
  droneRemoteIdProtocolEntityTags: 'a special-purpose (DRIP) address',
};

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

export function addressReason(address: Address): string | undefined {
  const range = address.range();
  if (range !== 'unicast') return rangeReasons[range] ?? `a special-purpose address (${range})`;
  if (address.kind() === 'ipv6') {
    // ipaddr.js calls anything it has no name for `unicast`; only 2000::/3 is global unicast. The
    // deprecated IPv4-compatible form ::a.b.c.d (URL parsers write it ::7f00:1) carries IPv4 space.
    const v6 = address as ipaddr.IPv6;
    if (v6.match(IPV4_COMPATIBLE as [ipaddr.IPv6, number])) return 'an IPv4-compatible (::/96) address';
    if (!v6.match(GLOBAL_UNICAST_V6 as [ipaddr.IPv6, number])) return 'an IPv6 address outside global unicast (2000::/3)';
  }
  return undefined;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it carries. */
function normalise(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

export function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (ipaddr.IPv6.isValid(bare)) return normalise(ipaddr.IPv6.parse(bare));
  // Strict dotted-quad only: the URL parser already turned decimal/octal/hex spellings into one.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  return undefined;
}

export interface Allowlist {
  hosts: Set<string>;
  suffixes: string[];
  ranges: Array<[Address, number]>;
}

export function compileAllowlist(entries: string[]): Allowlist {
  const list: Allowlist = { hosts: new Set(), suffixes: [], ranges: [] };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/\.$/, '');
    if (!entry) continue;
    if (entry.includes('/')) {
      try {
        const [net, bits] = ipaddr.parseCIDR(entry);
        const mapped = net.kind() === 'ipv6' && bits >= 96 && (net as ipaddr.IPv6).isIPv4MappedAddress();
        list.ranges.push(mapped ? [(net as ipaddr.IPv6).toIPv4Address(), bits - 96] : [net, bits]);
      } catch {
        // A malformed CIDR allows nothing.
      }
      continue;
    }
    const address = parseAddress(entry);
    if (address) list.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    else if (entry.startsWith('*.')) list.suffixes.push(entry.slice(1));
    else list.hosts.add(entry);
  }
  return list;
}

export function hostAllowed(list: Allowlist, host: string): boolean {
  return list.hosts.has(host) || list.suffixes.some((suffix) => host.endsWith(suffix));
}

export function addressAllowed(list: Allowlist, address: Address): boolean {
  return list.ranges.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
}

/** How long one check waits for DNS before the host counts as unresolvable (for now). */
export const DNS_LOOKUP_TIMEOUT_MS = 3000;
/**
 * dns.lookup runs getaddrinfo on libuv's small thread pool (4 threads, shared with file I/O) and
 * cannot be cancelled: at most this many run at once, the rest wait for a slot within their deadline.
 */
const MAX_CONCURRENT_LOOKUPS = 2;
let lookupsRunning = 0;
const lookupQueue: Array<() => void> = [];

export async function systemResolve(host: string): Promise<string[]> {
  if (lookupsRunning >= MAX_CONCURRENT_LOOKUPS) await new Promise<void>((resolve) => lookupQueue.push(resolve));
  lookupsRunning++;
  try {
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((entry) => entry.address);
  } finally {
    lookupsRunning--;
    lookupQueue.shift()?.();
  }
}

/** The resolver's answer, or a timeout error (code ETIMEOUT) after `timeoutMs`. */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`lookup timed out after ${timeoutMs} ms`), { code: 'ETIMEOUT' })), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface CheckOptions {
  /** Longest wait for DNS (default DNS_LOOKUP_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Resolves the host and checks scheme and every resolved address; returns the checked addresses to connect to. Throws CallbackUrlError. */
export async function assertCallbackAllowed(
  url: string,
  policy: AddressPolicy,
  resolve: (host: string) => Promise<string[]> = systemResolve,
  options: CheckOptions = {},
): Promise<{ url: URL; addresses: string[] }> {
  if (url.length > MAX_URL_LENGTH) throw new CallbackUrlError(`callback_url is longer than ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CallbackUrlError('callback_url is not a valid absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new CallbackUrlError(`callback_url scheme ${parsed.protocol.replace(/:$/, '')} is not allowed; use https`, 'scheme');
  }
  if (parsed.protocol === 'http:' && !policy.allowInsecure) {
    throw new CallbackUrlError('callback_url must use https (http is allowed only with ALLOW_INSECURE_CALLBACKS=1)', 'scheme');
  }
  if (parsed.username || parsed.password) {
    throw new CallbackUrlError('callback_url must not carry credentials (user:password@); deliveries are signed instead', 'credentials');
  }

  const list = compileAllowlist(policy.allowlist);
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  const literal = parseAddress(host);
  const shown = literal ? literal.toString() : host;

  if (literal) {
    const reason = addressReason(literal);
    if (reason && !addressAllowed(list, literal)) {
      throw new CallbackUrlError(`callback_url host ${shown} is ${reason}, which is not allowed unless listed in CALLBACK_ALLOWLIST`, 'address');
    }
    return { url: parsed, addresses: [literal.toString()] };
  }

  const namedAllowed = hostAllowed(list, host);
  const nameReason = internalNameReason(host);
  if (nameReason && !namedAllowed) {
    throw new CallbackUrlError(`callback_url host ${host} ${nameReason}, which is not allowed unless listed in CALLBACK_ALLOWLIST`, 'hostname');
  }

  let resolved: string[];
  try {
    resolved = await withDeadline(resolve(host), options.timeoutMs ?? DNS_LOOKUP_TIMEOUT_MS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ETIMEOUT' ? `: ${(err as Error).message}` : '';
    throw new CallbackUrlError(`callback_url host ${host} could not be resolved${code ? ` (${code})` : ''}${why}`, 'unresolvable');
  }
  if (resolved.length === 0) throw new CallbackUrlError(`callback_url host ${host} resolved to no address`, 'unresolvable');

  const addresses: string[] = [];
  for (const text of resolved) {
    const address = parseAddress(text);
    if (!address) throw new CallbackUrlError(`callback_url host ${host} resolved to something that is not an IP address`, 'address');
    const reason = addressReason(address);
    if (reason && !namedAllowed && !addressAllowed(list, address)) {
      throw new CallbackUrlError(
        `callback_url host ${host} resolves to ${address.toString()}, ${reason}, which is not allowed unless listed in CALLBACK_ALLOWLIST`,
        'address',
      );
    }
    addresses.push(address.toString());
  }
  return { url: parsed, addresses };
}
