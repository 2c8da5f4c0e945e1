/**
 * Sends one webhook request to an address the SSRF guard already checked: a TCP connection to
 * the checked IP (for https, `Deno.startTls` with the URL's host name, so SNI and certificate
 * verification use the name), and an HTTP/1.1 POST whose Host header keeps the original name
 * (`_http1.ts`). A DNS answer that changes after the check cannot redirect it.
 *
 * Plain http connections are kept alive and reused per address (at most `MAX_IDLE` idle ones
 * each, none older than `IDLE_MS`); https connections are closed after each request, as before.
 * A request sent on a kept connection that the receiver had closed (no byte of a response came
 * back) is sent once more on a new connection: deliveries are at least once, and the receiver
 * verifies the same `webhook-id`. Redirects are never followed: a 3xx is returned as it is.
 *
 * @module
 */
import { exchange, Reader } from "./_http1.ts";
import type { ResolvedTarget } from "./ssrf_guard.ts";

/** What an attempt saw. */
export interface SendResult {
  status: number;
  /** `Retry-After` header, if any. */
  retryAfter: string | null;
  /** First `maxBodyBytes` of the response body. */
  body: string;
}

/** Options of {@linkcode sendRequest}. */
export interface SendOptions {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** @default 1024 */
  maxBodyBytes?: number;
  /** Extra CA certificates (PEM) for https; tests use a self-signed one. */
  caCerts?: string[];
}

/** Idle connections kept per address. */
const MAX_IDLE = 64;
/** An idle connection older than this is closed, not reused (receivers drop idle ones at ~5 s). */
const IDLE_MS = 2_000;

interface Kept {
  conn: Deno.Conn;
  reader: Reader;
  idleSince: number;
}

const idle = new Map<string, Kept[]>();
const open = new Set<Deno.Conn>();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Closes every kept and in-flight connection (on relay stop). */
export function closeHttpClients(): void {
  for (const conn of open) close(conn);
  open.clear();
  idle.clear();
}

function close(conn: Deno.Conn): void {
  open.delete(conn);
  try {
    conn.close();
  } catch { /* already closed */ }
}

/** POSTs `body` to `target`; throws on network errors and timeouts. */
export async function sendRequest(
  target: ResolvedTarget,
  options: SendOptions,
): Promise<SendResult> {
  const tls = target.url.protocol === "https:";
  const key = `${target.address}|${target.port}`;
  const request = encodeRequest(target.url, options, !tls);
  let current: Deno.Conn | null = null;
  let timedOut = false;
  const expired = Promise.withResolvers<never>();
  expired.promise.catch(() => {});
  const timer = setTimeout(() => {
    timedOut = true;
    if (current) close(current); // ends a pending read or write
    expired.reject(new Error(`no answer within ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  try {
    for (let attempt = 0;; attempt++) {
      const kept = tls ? undefined : takeIdle(key);
      let link = kept;
      if (!link) {
        const connecting = connect(target, tls, options.caCerts);
        connecting.then((l) => timedOut && close(l.conn), () => {});
        link = await Promise.race([connecting, expired.promise]);
      }
      current = link.conn;
      try {
        const res = await exchange(link.conn, link.reader, request, options.maxBodyBytes ?? 1024);
        if (res.reusable && !tls && !timedOut) putIdle(key, link);
        else close(link.conn);
        return { status: res.status, retryAfter: res.retryAfter, body: decoder.decode(res.body) };
      } catch (error) {
        close(link.conn);
        // A kept connection the receiver had closed: once more on a new one.
        const stale = kept !== undefined && attempt === 0 && !timedOut &&
          ((error as { closedEarly?: boolean }).closedEarly === true || isReset(error));
        if (!stale) throw error;
      }
    }
  } catch (error) {
    if (timedOut) throw new Error(`timed out after ${options.timeoutMs} ms`, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function isReset(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe;
}

function takeIdle(key: string): Kept | undefined {
  const list = idle.get(key);
  const now = Date.now();
  while (list && list.length > 0) {
    const kept = list.pop()!;
    if (now - kept.idleSince < IDLE_MS) return kept;
    close(kept.conn);
  }
  return undefined;
}

function putIdle(key: string, link: Kept): void {
  const list = idle.get(key) ?? [];
  if (list.length >= MAX_IDLE) {
    close(list.shift()!.conn);
  }
  link.idleSince = Date.now();
  list.push(link);
  idle.set(key, list);
}

async function connect(
  target: ResolvedTarget,
  tls: boolean,
  caCerts: string[] | undefined,
): Promise<Kept> {
  const tcp = await Deno.connect({ hostname: target.address, port: target.port });
  open.add(tcp);
  let conn: Deno.Conn = tcp;
  if (tls) {
    try {
      conn = await Deno.startTls(tcp, { hostname: target.url.hostname, caCerts });
    } catch (error) {
      close(tcp);
      throw error;
    }
    open.delete(tcp);
    open.add(conn);
  }
  return { conn, reader: new Reader(conn), idleSince: 0 };
}

function encodeRequest(url: URL, options: SendOptions, keepAlive: boolean): Uint8Array {
  const body = encoder.encode(options.body);
  let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\n` +
    `content-length: ${body.length}\r\nconnection: ${keepAlive ? "keep-alive" : "close"}\r\n`;
  for (const k in options.headers) head += `${k}: ${options.headers[k]}\r\n`;
  const headBytes = encoder.encode(head + "\r\n");
  const all = new Uint8Array(headBytes.length + body.length);
  all.set(headBytes);
  all.set(body, headBytes.length);
  return all;
}
