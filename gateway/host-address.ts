/**
 * The terminal's own network address, for 9001 sign-in: the gateway records which machine signed
 * in (mac, ip). Taken from the first external IPv4 interface, in the order the system lists them;
 * a machine with none (a container, a laptop off the network) signs in as loopback, so the
 * gateway still gets well-formed fields.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { ipv4Address, macAddress } from './protocol.ts';

export interface HostAddress {
  mac: string;
  ip: string;
}

export const LOOPBACK_ADDRESS: HostAddress = { mac: '00:00:00:00:00:00', ip: '127.0.0.1' };

/** At most this many interfaces are looked at (a host with hundreds of virtual ones). */
const MAX_INTERFACES = 64;

/** The first non-internal IPv4 interface's MAC and address, validated; loopback if none. */
export function hostAddress(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): HostAddress {
  const all = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .slice(0, MAX_INTERFACES);
  for (const info of all) {
    if (info.internal || info.family !== 'IPv4') continue;
    const mac = info.mac.toLowerCase();
    // An interface without a hardware address (a tunnel: 00:00:00:00:00:00) does not name it.
    if (mac === LOOPBACK_ADDRESS.mac) continue;
    if (macAddress.safeParse(mac).success && ipv4Address.safeParse(info.address).success)
      return { mac, ip: info.address };
  }
  return LOOPBACK_ADDRESS;
}
