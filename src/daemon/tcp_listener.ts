/** The HTTP API's TCP socket, with bind failures explained (which address, set where, fix). */

/** Thrown when the TCP address cannot be bound. */
export class ListenError extends Error {
  override name = "ListenError";
}

/** Options of {@linkcode listenTcp}. */
export interface ListenTcpOptions {
  hostname: string;
  port: number;
  /** Where the address was set, for the message (`PLUGD_HTTP (environment)`). @default "the default" */
  origin?: string;
  /**
   * Accept TLS with this certificate chain and key. The socket then also gets `SO_REUSEPORT`,
   * so a SIGHUP can bind a listener with a renewed certificate before the old one stops
   * accepting (Linux allows that only to the same user). @default plain TCP
   */
  tls?: { cert: string; key: string };
}

/**
 * Binds `hostname:port` (served by `HttpListener`). Binding happens before any state is created,
 * so a busy port fails fast; the error names the address, where it was configured and the way out.
 */
export function listenTcp(options: ListenTcpOptions): Deno.Listener<Deno.Conn, Deno.NetAddr> {
  const { hostname, port, tls } = options;
  const where = options.origin ? `set by ${options.origin}` : "the default";
  const address = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  const fix = `choose another address with --http, PLUGD_HTTP or "http" in plugd.yaml ` +
    `(e.g. 127.0.0.1:7421), or "off" to serve only the Unix socket`;
  try {
    return tls
      ? Deno.listenTls({ hostname, port, cert: tls.cert, key: tls.key, reusePort: true })
      : Deno.listen({ hostname, port });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ListenError(
        `Cannot listen on ${address} (${where}): the address is already in use, by another ` +
          `plugd or another program (see "ss -ltnp 'sport = :${port}'"); ${fix}`,
        { cause: error },
      );
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new ListenError(
        `Cannot listen on ${address} (${where}): permission denied (ports below 1024 need ` +
          `privileges); ${fix}`,
        { cause: error },
      );
    }
    if (error instanceof Deno.errors.AddrNotAvailable) {
      throw new ListenError(
        `Cannot listen on ${address} (${where}): no network interface of this host has that ` +
          `address; ${fix}`,
        { cause: error },
      );
    }
    if (tls && /certificate|key|pem|tls/i.test((error as Error).message)) {
      throw new ListenError(
        `Cannot serve TLS on ${address}: ${(error as Error).message}; check that ` +
          `PLUGD_TLS_CERT holds the certificate chain and PLUGD_TLS_KEY its private key (PEM)`,
        { cause: error },
      );
    }
    throw new ListenError(
      `Cannot listen on ${address} (${where}): ${(error as Error).message}; ${fix}`,
      { cause: error },
    );
  }
}
