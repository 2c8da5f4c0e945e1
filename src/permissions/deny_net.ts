/** The `--deny-net` list: private, loopback and link-local targets a granted name could reach. */

import { inIPv4Range, parseDottedQuad } from "./ip.ts";
import { type NetEntry, parseNetEntry } from "./net_entry.ts";
import { sortedUnique } from "./_sort.ts";

type DenyTarget = readonly [value: string, liftedBy: (entry: NetEntry) => boolean];

const isLoopbackName = (e: NetEntry) => e.family === "name" && e.addressClass === "loopback";
const ipv4In = (base: string, prefix: number) => (e: NetEntry) =>
  e.family === "ipv4" && inIPv4Range(parseDottedQuad(e.host)!, base, prefix);
const cidr = (
  base: string,
  prefix: number,
): DenyTarget => [`${base}/${prefix}`, ipv4In(base, prefix)];

/**
 * Denied for every plugin with a `net` grant, each unless a granted entry targets it.
 *
 * `--allow-net=<name>` checks the name, not the address it resolves to (DENO-FACTS), so a granted
 * public name whose DNS points at 127.0.0.1 or 10.x would pass; `--deny-net` checks the resolved
 * address and wins over allow. `0.0.0.0/8` is listed because `http://0.0.0.0:port` reached a
 * loopback server even with 127.0.0.1 denied. Deno rejects IPv6 CIDR ranges, so `fc00::/7`,
 * `fe80::/10` and friends cannot be listed: the sandbox's network namespace closes those; only
 * the single addresses `[::1]` and `[::]` are denied here.
 */
export const DENY_NET_TARGETS: readonly DenyTarget[] = [
  cidr("0.0.0.0", 8),
  cidr("10.0.0.0", 8),
  cidr("100.64.0.0", 10),
  [`127.0.0.0/8`, (e) => ipv4In("127.0.0.0", 8)(e) || isLoopbackName(e)],
  cidr("169.254.0.0", 16),
  cidr("172.16.0.0", 12),
  cidr("192.168.0.0", 16),
  cidr("224.0.0.0", 4),
  ["255.255.255.255", (e) => e.host === "255.255.255.255"],
  ["localhost", (e) => e.addressClass === "loopback"],
  ["[::1]", (e) => e.addressClass === "loopback" && e.family !== "ipv4"],
  ["[::]", (e) => e.family === "ipv6" && e.addressClass === "unspecified"],
];

/** Hosts on which the daemon's HTTP port is always denied, whatever was granted. */
export const DAEMON_PORT_HOSTS: readonly string[] = [
  "0.0.0.0",
  "127.0.0.1",
  "[::1]",
  "[::]",
  "localhost",
];

/**
 * Returns the sorted `--deny-net` values for a plugin granted `net` (which must already have
 * passed `grantProblems`): every {@linkcode DENY_NET_TARGETS} value that no granted entry
 * targets, `<host>:<daemonPort>` for the {@linkcode DAEMON_PORT_HOSTS}, and `<host>:<daemonPort>`
 * for every granted host without a port (so a host granted all ports never reaches the daemon
 * if it listens there).
 *
 * @example
 * ```ts
 * denyNetList(["10.1.2.3:5432"], 7420).includes("10.0.0.0/8"); // false
 * ```
 */
export function denyNetList(net: readonly string[], daemonPort: number): string[] {
  const entries = net.map((value) => parseNetEntry(value));
  const kept = DENY_NET_TARGETS.filter(([, liftedBy]) => !entries.some(liftedBy)).map(([v]) => v);
  const daemon = DAEMON_PORT_HOSTS.map((h) => `${h}:${daemonPort}`);
  const portless = entries.filter((e) => e.port === undefined).map((e) =>
    `${e.host}:${daemonPort}`
  );
  return sortedUnique([...kept, ...daemon, ...portless]);
}
