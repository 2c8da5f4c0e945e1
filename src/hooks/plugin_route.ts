/** Plugin HTTP routes (SPEC §8): request → payload, result → Response. */
import type { RoutePayload, RouteResult } from "../runtime/mod.ts";

/** Largest request or response body a plugin route handles (1 MiB). */
export const MAX_ROUTE_BODY = 1024 * 1024;

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);

/** The plugin answered something that cannot be passed on (too big, malformed). */
export class RouteResponseError extends Error {
  override name = "RouteResponseError";
}

/** The request body is larger than the route accepts (answer 413; the plugin is not called). */
export class RouteBodyTooLargeError extends RangeError {
  override name = "RouteBodyTooLargeError";
  readonly limit: number;
  constructor(limit: number) {
    super(`Request bodies for this route are limited to ${limit} bytes`);
    this.limit = limit;
  }
}

/** Options of {@linkcode toRoutePayload}. */
export interface RoutePayloadOptions {
  /** The matched route's `:name` parameters. @default {} */
  params?: Record<string, string>;
  /** Largest body read; beyond it {@linkcode RouteBodyTooLargeError}. @default MAX_ROUTE_BODY */
  maxBodyBytes?: number;
  /**
   * Pass `Authorization` through: on a public route it belongs to the caller (a webhook sender's
   * credential), not to plugd. Cookies never pass. @default false
   */
  keepAuthorization?: boolean;
}

/**
 * Serializes a request for the plugin: hop-by-hop headers and cookies removed, and
 * `Authorization` too unless `keepAuthorization`. The body is counted while it streams in, so an
 * oversized one (declared or not) is refused without being buffered.
 */
export async function toRoutePayload(
  request: Request,
  path: string,
  options: RoutePayloadOptions = {},
): Promise<RoutePayload> {
  const { params = {}, maxBodyBytes = MAX_ROUTE_BODY, keepAuthorization = false } = options;
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBodyBytes) throw new RouteBodyTooLargeError(maxBodyBytes);
  const url = new URL(request.url);
  const headers: [string, string][] = [];
  for (const [k, v] of request.headers) {
    if (k === "cookie" || (k === "authorization" && !keepAuthorization) || HOP_BY_HOP.has(k)) {
      continue;
    }
    headers.push([k, v]);
  }
  const payload: RoutePayload = {
    method: request.method,
    path,
    query: url.search.slice(1),
    headers,
    params,
  };
  if (request.body && request.method !== "GET" && request.method !== "HEAD") {
    const bytes = await readLimited(request.body, maxBodyBytes);
    try {
      payload.body = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      payload.bodyEncoding = "text";
    } catch {
      payload.body = (bytes as Uint8Array & { toBase64(): string }).toBase64();
      payload.bodyEncoding = "base64";
    }
  }
  return payload;
}

async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new RouteBodyTooLargeError(limit);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    // Hono's daemon-wide body limit answers for itself; pass its error on as it is.
    throw error;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Turns the plugin's answer into a Response; throws `RouteResponseError` when unusable. */
export function fromRouteResult(value: unknown, method: string): Response {
  const r = value as Partial<RouteResult> | null;
  if (
    typeof r !== "object" || r === null || !Number.isInteger(r.status) || r.status! < 200 ||
    r.status! > 599 || !Array.isArray(r.headers) || typeof r.body !== "string"
  ) {
    throw new RouteResponseError("the plugin's route answer is malformed");
  }
  if (r.body.length > Math.ceil(MAX_ROUTE_BODY / 3) * 4 + 4) {
    throw new RouteResponseError(`the plugin's response body exceeds ${MAX_ROUTE_BODY} bytes`);
  }
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = (Uint8Array as unknown as { fromBase64(s: string): Uint8Array<ArrayBuffer> })
      .fromBase64(r.body);
  } catch {
    throw new RouteResponseError("the plugin's response body is not valid base64");
  }
  if (body.length > MAX_ROUTE_BODY) {
    throw new RouteResponseError(`the plugin's response body exceeds ${MAX_ROUTE_BODY} bytes`);
  }
  const headers = new Headers();
  for (const pair of r.headers) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      continue;
    }
    const name = pair[0].toLowerCase();
    if (HOP_BY_HOP.has(name) || name === "set-cookie") continue;
    try {
      headers.append(name, pair[1]);
    } catch {
      // an invalid header name or value from the plugin is dropped
    }
  }
  const empty = method === "HEAD" || r.status === 204 || r.status === 304;
  return new Response(empty ? null : body, { status: r.status, headers });
}
