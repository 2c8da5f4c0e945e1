/** Plugin HTTP routes (SPEC §8): matching, request → payload, result → Response. */
import type { RouteDecl } from "../manifest/mod.ts";
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
/** Credentials meant for the daemon never reach a plugin. */
const PRIVATE_REQUEST = new Set(["authorization", "cookie"]);

/** The plugin answered something that cannot be passed on (too big, malformed). */
export class RouteResponseError extends Error {
  override name = "RouteResponseError";
}

/**
 * The declared route matching `method` and `path` (`:name` segments match one segment), or
 * undefined. `HEAD` falls back to a declared `GET`.
 */
export function matchRoute(
  routes: RouteDecl[],
  method: string,
  path: string,
): RouteDecl | undefined {
  const segments = path.split("/");
  const fits = (r: RouteDecl) => {
    const want = r.path.split("/");
    return want.length === segments.length &&
      want.every((w, i) => w.startsWith(":") ? segments[i] !== "" : w === segments[i]);
  };
  return routes.find((r) => r.method === method && fits(r)) ??
    (method === "HEAD" ? routes.find((r) => r.method === "GET" && fits(r)) : undefined);
}

/** The handler name of a route declaration, as the SDK keys it: `"POST /notify"`. */
export function routeHandlerName(route: RouteDecl): string {
  return `${route.method} ${route.path}`;
}

/** Serializes a request for the plugin: credentials and hop-by-hop headers removed. */
export async function toRoutePayload(request: Request, path: string): Promise<RoutePayload> {
  const url = new URL(request.url);
  const headers: [string, string][] = [];
  for (const [k, v] of request.headers) {
    if (!PRIVATE_REQUEST.has(k) && !HOP_BY_HOP.has(k)) headers.push([k, v]);
  }
  const payload: RoutePayload = {
    method: request.method,
    path,
    query: url.search.slice(1),
    headers,
  };
  if (request.body && request.method !== "GET" && request.method !== "HEAD") {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.length > MAX_ROUTE_BODY) {
      throw new RangeError(
        `Request bodies for plugin routes are limited to ${MAX_ROUTE_BODY} bytes`,
      );
    }
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
