/**
 * Sends one webhook request to an address the SSRF guard already checked.
 *
 * - http: `fetch` through a `Deno.createHttpClient` whose transport is a TCP socket to the
 *   checked IP; the URL (and so the Host header) keeps the original name. Clients are pooled
 *   per address, so keep-alive connections are reused.
 * - https: `Deno.connect` to the checked IP, then `Deno.startTls` with the original host name
 *   (SNI and certificate verification against the name), and a minimal HTTP/1.1 exchange
 *   (`Connection: close`). `fetch` cannot pin an address for TLS in Deno 2.9.
 *
 * Redirects are never followed: a 3xx is returned as it is.
 *
 * @module
 */
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

const clients = new Map<string, Deno.HttpClient>();

/** Closes the pooled HTTP clients (on relay stop). */
export function closeHttpClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}

/** POSTs `body` to `target`; throws on network errors and timeouts. */
export function sendRequest(target: ResolvedTarget, options: SendOptions): Promise<SendResult> {
  return target.url.protocol === "https:" ? sendTls(target, options) : sendPlain(target, options);
}

async function sendPlain(target: ResolvedTarget, options: SendOptions): Promise<SendResult> {
  const key = `${target.address}|${target.port}`;
  let client = clients.get(key);
  if (!client) {
    client = Deno.createHttpClient({
      proxy: { transport: "tcp", hostname: target.address, port: target.port },
    });
    clients.set(key, client);
  }
  const response = await fetch(target.url, {
    method: "POST",
    headers: options.headers,
    body: options.body,
    redirect: "manual",
    client,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const body = await readPrefix(response.body, options.maxBodyBytes ?? 1024);
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
}

async function readPrefix(stream: ReadableStream<Uint8Array> | null, max: number): Promise<string> {
  if (!stream) return "";
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) all.set(c, (offset += c.length) - c.length);
  return new TextDecoder().decode(all.subarray(0, max));
}

async function sendTls(target: ResolvedTarget, options: SendOptions): Promise<SendResult> {
  const controller = new AbortController();
  let conn: Deno.Conn | null = null;
  const timer = setTimeout(() => {
    controller.abort();
    try {
      conn?.close();
    } catch { /* already closed */ }
  }, options.timeoutMs);
  try {
    const tcp = await Deno.connect({ hostname: target.address, port: target.port });
    conn = tcp;
    if (controller.signal.aborted) throw new Error("timed out");
    const tls = await Deno.startTls(tcp, {
      hostname: target.url.hostname,
      caCerts: options.caCerts,
    });
    conn = tls;
    const body = new TextEncoder().encode(options.body);
    const hostHeader = target.url.host;
    const lines = [
      `POST ${target.url.pathname}${target.url.search} HTTP/1.1`,
      `host: ${hostHeader}`,
      `content-length: ${body.length}`,
      "connection: close",
      ...Object.entries(options.headers).map(([k, v]) => `${k}: ${v}`),
    ];
    const head = new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
    await writeAll(tls, head);
    await writeAll(tls, body);
    return await readResponse(tls, options.maxBodyBytes ?? 1024);
  } catch (error) {
    if (controller.signal.aborted) {
      throw new Error(`timed out after ${options.timeoutMs} ms`, { cause: error });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch { /* already closed */ }
  }
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) offset += await conn.write(data.subarray(offset));
}

async function readResponse(conn: Deno.Conn, maxBody: number): Promise<SendResult> {
  const buf = new Uint8Array(16 * 1024);
  let data = new Uint8Array(0);
  let headEnd = -1;
  while (headEnd < 0 || data.length < headEnd + 4 + maxBody) {
    const n = await conn.read(buf);
    if (n === null) break;
    const next = new Uint8Array(data.length + n);
    next.set(data);
    next.set(buf.subarray(0, n), data.length);
    data = next;
    if (headEnd < 0) headEnd = indexOfCrlfCrlf(data);
    if (data.length > 64 * 1024 && headEnd < 0) throw new Error("response headers exceed 64 KiB");
  }
  if (headEnd < 0) throw new Error("connection closed before a complete HTTP response head");
  const head = new TextDecoder().decode(data.subarray(0, headEnd)).split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? "");
  if (!match) throw new Error(`malformed HTTP status line "${(head[0] ?? "").slice(0, 80)}"`);
  const retry = head.find((l) => /^retry-after:/i.test(l));
  const bodyBytes = data.subarray(headEnd + 4, headEnd + 4 + maxBody);
  return {
    status: Number(match[1]),
    retryAfter: retry ? retry.slice(retry.indexOf(":") + 1).trim() : null,
    body: new TextDecoder().decode(bodyBytes),
  };
}

function indexOfCrlfCrlf(data: Uint8Array): number {
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] === 13 && data[i + 1] === 10 && data[i + 2] === 13 && data[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}
