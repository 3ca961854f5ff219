// The cloud metadata endpoints: never reachable from a job, and never allowed by the operator either
// (NETWORK_PRIVATE_ALLOWLIST refuses them). One list for the config check and the egress policy.
import ipaddr from 'ipaddr.js';

/** Host names of metadata servers (GCP's three spellings). */
export const METADATA_HOSTS: readonly string[] = ['metadata.google.internal', 'metadata.goog', 'metadata'];

/** Addresses of metadata servers: GCP/AWS/Azure/OpenStack 169.254.169.254, AWS IPv6 fd00:ec2::254, ECS task metadata 169.254.170.2, Alibaba 100.100.100.200. */
export const METADATA_ADDRESSES: readonly string[] = ['169.254.169.254', 'fd00:ec2::254', '169.254.170.2', '100.100.100.200'];

const metadataAddresses = METADATA_ADDRESSES.map((a) => ipaddr.parse(a));

function normalise(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}

/** Whether an address (any spelling, IPv4-mapped IPv6 included) is a metadata server's. */
export function isMetadataAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const a = normalise(ipaddr.parse(address));
  return metadataAddresses.some((m) => m.kind() === a.kind() && m.toNormalizedString() === a.toNormalizedString());
}

/** Whether a host name is a metadata server's (case and a trailing dot ignored). */
export function isMetadataHost(host: string): boolean {
  return METADATA_HOSTS.includes(host.toLowerCase().replace(/\.$/, ''));
}

/** Whether a CIDR range (`a.b.c.d/n`, `x::/n`) holds a metadata address. */
export function cidrHoldsMetadata(cidr: string): boolean {
  const [range, bits] = ipaddr.parseCIDR(cidr);
  return metadataAddresses.some((m) => m.kind() === range.kind() && m.match(range, bits));
}
