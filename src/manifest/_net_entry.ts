/** Validation of one `permissions.net` entry. Private to src/manifest. */

/**
 * Returns why `entry` is not a valid net permission, or undefined when it is.
 * Accepted: `host`, `host:port`, `*.domain.tld[:port]`, IPv4, `[ipv6]`, `[ipv6]:port`.
 */
export function netEntryProblem(entry: string): string | undefined {
  const q = JSON.stringify(entry);
  if (entry.startsWith("unix:")) {
    return `${q}: Unix sockets cannot be granted to plugins; talk to the daemon through the SDK instead`;
  }
  if (entry.includes("://")) {
    return `${q} has a scheme; write only the host and port, like "api.example.com:443"`;
  }
  if (entry.includes("/")) {
    return `${q} has a path; Deno grants whole hosts, so write only "host" or "host:port"`;
  }
  if (entry.includes("@")) {
    return `${q} has user info; write only "host" or "host:port"`;
  }
  let host = entry;
  let port: string | undefined;
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    if (close < 0) {
      return `${q} opens "[" without "]"; write IPv6 addresses like "[2001:db8::1]:443"`;
    }
    host = entry.slice(0, close + 1);
    const rest = entry.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) return `${q}: after "]" only ":port" may follow`;
      port = rest.slice(1);
    }
    if (!isIpv6(host.slice(1, -1))) return `${q}: ${host} is not a valid IPv6 address`;
  } else {
    const colons = entry.split(":").length - 1;
    if (colons > 1) {
      return `${q} looks like a bare IPv6 address; put it in brackets, like "[::1]" or "[::1]:443"`;
    }
    if (colons === 1) [host, port] = entry.split(":") as [string, string];
    const hostProblem = hostNameProblem(host);
    if (hostProblem) return `${q}: ${hostProblem}`;
  }
  if (port !== undefined) {
    if (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535) {
      return `${q} has port ${JSON.stringify(port)}; a port is a number from 1 to 65535`;
    }
  }
  return undefined;
}

function hostNameProblem(host: string): string | undefined {
  if (host === "") return 'the host is empty; write e.g. "api.example.com:443"';
  if (host === "*" || /^[*.]+$/.test(host)) {
    return "a wildcard alone would allow every host; name the hosts the plugin needs";
  }
  let name = host.toLowerCase();
  if (name.startsWith("*.")) {
    name = name.slice(2);
    if (name.split(".").length < 2) {
      return `"${host}" covers a whole top-level domain; use e.g. "*.example.com"`;
    }
  }
  if (name.includes("*")) return `"${host}": "*" is only allowed as a leading "*." label`;
  const labels = name.split(".");
  const last = labels[labels.length - 1] ?? "";
  if (/^(0x[0-9a-f]*|[0-9]+)$/.test(last)) {
    // Numeric hosts are IPv4 addresses; accept only the full dotted form.
    return isIpv4(name) && !host.startsWith("*.")
      ? undefined
      : `"${host}" is not a valid IPv4 address; write four decimal numbers like "203.0.113.7"`;
  }
  if (name.length > 253) return "the host name is longer than 253 characters";
  for (const label of labels) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) {
      return `"${host}" is not a valid host name; use letters, digits, '-' and '.', like "api.example.com"`;
    }
  }
  return undefined;
}

/** Dotted-decimal IPv4 with four octets 0-255 and no leading zeros. */
export function isIpv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 &&
    parts.every((x) => /^(0|[1-9][0-9]{0,2})$/.test(x) && Number(x) <= 255);
}

/** IPv6 literal without brackets (no zone id). */
export function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return false;
  try {
    return new URL(`http://[${s}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}
