/** Convert route payloads to a real `Request` and a `Response` back to plain data. */
import type { RoutePayload, RouteResult } from "./wire.ts";

type B64 = Uint8Array & { toBase64(): string };
const U8 = Uint8Array as unknown as { fromBase64(s: string): Uint8Array };

/** Build the `Request` a route handler receives. */
export function toRequest(p: RoutePayload): Request {
  const url = `http://plugin.local${p.path}${p.query ? `?${p.query}` : ""}`;
  const hasBody = p.body !== undefined && p.method !== "GET" && p.method !== "HEAD";
  const body = !hasBody
    ? undefined
    : p.bodyEncoding === "base64"
    ? U8.fromBase64(p.body!) as Uint8Array<ArrayBuffer>
    : p.body;
  return new Request(url, { method: p.method, headers: p.headers, body });
}

/** Serialize a handler's `Response`. */
export async function fromResponse(res: unknown): Promise<RouteResult> {
  if (!(res instanceof Response)) {
    throw new TypeError("A route handler must return a Response, e.g. Response.json({ ok: true })");
  }
  const bytes = new Uint8Array(await res.arrayBuffer()) as B64;
  return {
    status: res.status,
    headers: [...res.headers],
    body: bytes.toBase64(),
    bodyEncoding: "base64",
  };
}
