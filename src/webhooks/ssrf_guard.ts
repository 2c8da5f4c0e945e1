/**
 * SSRF guard for webhook targets. A URL is checked when it is saved and again before every
 * attempt: the host is resolved (A and AAAA), every address must be public, and the request is
 * then sent to the checked address itself (see `send_request.ts`), so a DNS answer that changes
 * between the check and the connect (rebinding) cannot redirect it.
 *
 * @module
 */
import { type AddressClass, classifyAddress } from "../permissions/mod.ts";
import { WebhookTargetError } from "./errors.ts";

/** Resolves a name to addresses; `Deno.resolveDns` in production, injectable in tests. */
export type Resolver = (name: string, type: "A" | "AAAA") => Promise<string[]>;

/** Options of the guard. */
export interface GuardOptions {
  /** Allow loopback, private, link-local, CGNAT and reserved targets. @default false */
  allowPrivate?: boolean;
  /** DNS resolver. @default Deno.resolveDns */
  resolver?: Resolver;
}

/** Where a checked request goes: the address to connect to and the URL to send. */
export interface ResolvedTarget {
  url: URL;
  /** IP literal (no brackets) that passed the check. */
  address: string;
  port: number;
  addressClass: AddressClass;
}

/** Classes refused even when private targets are allowed. */
const ALWAYS_REFUSED: ReadonlySet<AddressClass> = new Set(["metadata", "unspecified", "multicast"]);

const defaultResolver: Resolver = (name, type) => Deno.resolveDns(name, type);

/**
 * Parses and checks a webhook URL without DNS: http(s) only, no credentials, and an IP-literal
 * host (in any form the URL parser accepts: `2130706433`, `0x7f000001`, `127.1`,
 * `[::ffff:127.0.0.1]`, ...) or `localhost` must be allowed by policy.
 */
export function parseWebhookUrl(text: string, options: GuardOptions = {}): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new WebhookTargetError(
      `"${text}" is not a valid absolute URL; use e.g. https://hooks.example.com/plugd`,
      { cause: error },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new WebhookTargetError(
      `Webhook URLs must use http or https; got "${url.protocol.replace(/:$/, "")}"`,
    );
  }
  if (url.username || url.password) {
    throw new WebhookTargetError(
      "Webhook URLs must not contain credentials (user:password@); receivers verify the signature instead",
    );
  }
  const cls = classifyAddress(url.hostname);
  if (cls !== "name") assertAllowed(url.hostname, cls, options);
  return url;
}

/**
 * Resolves the URL's host, refuses it unless every address is allowed by policy, and returns
 * the first checked address (IPv4 preferred) to connect to.
 */
export async function resolveTarget(
  text: string,
  options: GuardOptions = {},
): Promise<ResolvedTarget> {
  const url = parseWebhookUrl(text, options);
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = classifyAddress(host);
  if (literal !== "name") return { url, address: host, port, addressClass: literal };
  const resolver = options.resolver ?? defaultResolver;
  const name = host.replace(/\.$/, "");
  const answers = await Promise.allSettled([resolver(name, "A"), resolver(name, "AAAA")]);
  const addresses = answers.flatMap((a) => (a.status === "fulfilled" ? a.value : []));
  if (addresses.length === 0) {
    const reason = answers.find((a) => a.status === "rejected") as
      | PromiseRejectedResult
      | undefined;
    throw new WebhookTargetError(
      `Cannot resolve webhook host "${name}": ${
        reason ? String(reason.reason?.message ?? reason.reason) : "no A or AAAA records"
      }; check the name and the daemon's DNS`,
      { transient: true },
    );
  }
  let first: { address: string; cls: AddressClass } | null = null;
  for (const address of addresses) {
    const cls = classifyAddress(address);
    assertAllowed(`${name} (${address})`, cls === "name" ? "reserved" : cls, options);
    first ??= { address, cls };
  }
  const v4 = addresses.find((a) => !a.includes(":"));
  const chosen = v4 ?? first!.address;
  return { url, address: chosen, port, addressClass: classifyAddress(chosen) };
}

function assertAllowed(what: string, cls: AddressClass, options: GuardOptions): void {
  if (cls === "public") return;
  if (ALWAYS_REFUSED.has(cls)) {
    throw new WebhookTargetError(
      `Webhook target ${what} is a ${cls} address; such targets are never allowed`,
    );
  }
  if (options.allowPrivate) return;
  throw new WebhookTargetError(
    `Webhook target ${what} is a ${cls} address; private targets are refused unless the ` +
      "operator sets webhooks.allow_private (PLUGD_WEBHOOKS_ALLOW_PRIVATE=true)",
  );
}
