/** Parse one `net` permission entry (`host`, `host:port`, `[ipv6]:port`) the way Deno reads it. */

import { hasUnsafeChar } from "./_chars.ts";
import {
  type AddressClass,
  classifyAddress,
  endsInNumber,
  parseDottedQuad,
  parseIPv6,
} from "./ip.ts";

/** A parsed `net` entry. */
export interface NetEntry {
  /** The host as written: a name, a dotted quad, or a bracketed IPv6 literal (`[::1]`). */
  host: string;
  /** The port, when the entry names one; without it every port of the host is allowed. */
  port?: number;
  family: "ipv4" | "ipv6" | "name";
  /** Where the host leads (see {@linkcode classifyAddress}). */
  addressClass: AddressClass;
}

// Suffixes that, by convention or RFC, name hosts on a local or private network.
const LOCAL_NAME_SUFFIXES = [".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp"];
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses a net entry; throws `RangeError` whose message says what is wrong and how to fix it.
 *
 * @example
 * ```ts
 * parseNetEntry("api.example.com:443"); // { host: "api.example.com", port: 443, family: "name", ... }
 * parseNetEntry("127.1"); // throws: write the address as a dotted quad
 * ```
 */
export function parseNetEntry(entry: string): NetEntry {
  if (typeof entry !== "string" || entry === "") throw new RangeError("must be a non-empty string");
  if (hasUnsafeChar(entry, true)) {
    throw new RangeError(
      "must not contain spaces, commas or control characters; one host per entry",
    );
  }
  if (entry.toLowerCase().startsWith("unix:")) {
    throw new RangeError("Unix sockets are not net hosts");
  }
  if (entry.includes("://")) {
    throw new RangeError('has a scheme; write only the host and port, e.g. "api.example.com:443"');
  }
  if (entry.includes("@")) throw new RangeError('has user info; write only "host" or "host:port"');
  let hostPart = entry;
  let portPart: string | undefined;
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    if (close < 0) {
      throw new RangeError("unclosed '[': write IPv6 addresses as [addr] or [addr]:port");
    }
    hostPart = entry.slice(0, close + 1);
    const rest = entry.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) throw new RangeError("expected ':port' after ']'");
    if (rest !== "") portPart = rest.slice(1);
  } else {
    const colons = entry.split(":").length - 1;
    if (colons > 1) {
      throw new RangeError("write IPv6 addresses in brackets, e.g. [2001:db8::1]:443");
    }
    if (colons === 1) [hostPart, portPart] = entry.split(":") as [string, string];
  }
  const port = portPart === undefined ? undefined : parsePort(portPart);
  return { ...parseHost(hostPart), ...(port === undefined ? {} : { port }) };
}

function parsePort(text: string): number {
  if (!/^[1-9][0-9]{0,4}$/.test(text) || Number(text) > 65535) {
    throw new RangeError(`port "${text}" must be a number from 1 to 65535`);
  }
  return Number(text);
}

function parseHost(host: string): Omit<NetEntry, "port"> {
  if (host.startsWith("[")) {
    const inner = host.slice(1, -1);
    const groups = inner.includes("%") ? null : parseIPv6(inner);
    if (groups === null) throw new RangeError(`"${host}" is not a valid IPv6 address`);
    if (inner.includes(".") || (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)) {
      throw new RangeError("write the IPv4 address as a dotted quad, e.g. 127.0.0.1");
    }
    return { host, family: "ipv6", addressClass: classifyAddress(host) };
  }
  if (host === "") throw new RangeError("the host is empty");
  if (host.includes("*")) throw new RangeError("wildcards are not grantable; name each host");
  if (host.includes("/")) {
    throw new RangeError("CIDR ranges and paths are not grantable; name each host");
  }
  if (host.endsWith(".")) throw new RangeError("remove the trailing dot from the host name");
  if (host !== host.toLowerCase()) throw new RangeError("write host names in lowercase");
  if (endsInNumber(host)) {
    if (parseDottedQuad(host) === null) {
      throw new RangeError(
        `"${host}" is not a valid IPv4 address; write it as a dotted quad without leading ` +
          "zeros, e.g. 203.0.113.7",
      );
    }
    return { host, family: "ipv4", addressClass: classifyAddress(host) };
  }
  if (host.length > 253 || !host.split(".").every((label) => LABEL.test(label))) {
    throw new RangeError(
      `"${host}" is not a valid host name; use letters, digits, '-' and '.', e.g. api.example.com`,
    );
  }
  return { host, family: "name", addressClass: classifyAddress(host) };
}

/**
 * True for names that normally resolve inside a private network: single-label names (resolved
 * through search domains or /etc/hosts) and `.local`, `.internal`, `.lan`, `.home.arpa`, ... .
 */
export function isLocalName(name: string): boolean {
  const n = name.toLowerCase();
  return !n.includes(".") || LOCAL_NAME_SUFFIXES.some((suffix) => n.endsWith(suffix));
}
