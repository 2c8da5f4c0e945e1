/** The `net` kind: hosts and ports, mapped onto `--allow-net` (plus the deny list, see deny_net.ts). */

import type { PermissionKindSpec } from "./kind_spec.ts";
import { isLocalName, parseNetEntry } from "./net_entry.ts";
import type { RiskLevel } from "./types.ts";

const ADDRESS_REASONS: Record<string, string> = {
  loopback: "loopback: services on this host",
  private: "private network address",
  "link-local": "link-local address",
  unspecified: "unspecified address 0.0.0.0/[::]: reaches this host",
  cgnat: "carrier-grade NAT range",
  multicast: "multicast address",
  metadata: "cloud metadata service: may hand out credentials",
  reserved: "reserved address range",
};

/** `net`: `host`, `host:port`, `[ipv6]:port`; never sockets, wildcards or loopback without a port. */
export const NET: PermissionKindSpec = {
  example: '["api.example.com:443"]',
  denoFlag: "net",
  entryProblem(entry) {
    if (entry.toLowerCase().startsWith("unix:")) {
      return "Unix sockets are never grantable (the daemon's own socket is one); use a TCP host:port";
    }
    let parsed;
    try {
      parsed = parseNetEntry(entry);
    } catch (error) {
      return (error as Error).message;
    }
    if (parsed.port === undefined && ["loopback", "unspecified"].includes(parsed.addressClass)) {
      return `"${entry}" without a port would include the daemon's own port; name the port, ` +
        `e.g. ${parsed.host}:8080`;
    }
    return undefined;
  },
  hostProblem(entry, host) {
    const { port } = parseNetEntry(entry);
    return port === host.daemonPort
      ? `port ${port} is the daemon's own HTTP API and is never grantable on any host; use another port`
      : undefined;
  },
  risk(entry): [RiskLevel, string] {
    const e = parseNetEntry(entry);
    const ports = e.port === undefined ? " (all ports)" : "";
    if (e.family === "name" && e.addressClass === "name") {
      return isLocalName(e.host)
        ? ["high", `name on the local or private network${ports}`]
        : ["medium", `public host${ports}`];
    }
    const reason = ADDRESS_REASONS[e.addressClass];
    return reason === undefined ? ["medium", `public host${ports}`] : ["high", reason + ports];
  },
};
