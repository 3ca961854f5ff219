// NETWORK_PRIVATE_ALLOWLIST: the private hosts an operator lets jobs reach (a private registry, the
// tests' local servers). Entries are host names, IP addresses or CIDR ranges; a metadata server can
// never be one of them, however it is written.
import ipaddr from 'ipaddr.js';
import { cidrHoldsMetadata, isMetadataAddress, isMetadataHost } from './metadata-addresses.js';

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

export type PrivateAllowEntry = { kind: 'host'; host: string } | { kind: 'address'; address: string } | { kind: 'cidr'; cidr: string };

/** The entry, or a message saying why it cannot be one. */
export function parsePrivateAllowEntry(entry: string): PrivateAllowEntry | { problem: string } {
  if (entry.includes('/')) {
    let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      range = ipaddr.parseCIDR(entry);
    } catch {
      return { problem: `"${entry}" is not a CIDR range` };
    }
    if (cidrHoldsMetadata(entry)) return { problem: `"${entry}" holds a cloud metadata address, which can never be allowed` };
    return { kind: 'cidr', cidr: `${range[0].toString()}/${range[1]}` };
  }
  if (ipaddr.isValid(entry)) {
    if (isMetadataAddress(entry)) return { problem: `"${entry}" is a cloud metadata address, which can never be allowed` };
    return { kind: 'address', address: ipaddr.parse(entry).toString() };
  }
  if (entry.length <= 253 && HOST_NAME.test(entry)) {
    if (isMetadataHost(entry)) return { problem: `"${entry}" is the cloud metadata server, which can never be allowed` };
    return { kind: 'host', host: entry.toLowerCase().replace(/\.$/, '') };
  }
  return { problem: `"${entry}" is not a host name, an IP address or a CIDR range` };
}
