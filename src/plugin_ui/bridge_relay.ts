/**
 * The server half of the frame bridge: what a frame may ask (one of its own plugin's declared
 * token routes, nothing else), turned into a request to the API as the operator's session, and the
 * answer turned back into plain data for the frame.
 */
import { matchRoute, ROUTE_METHODS } from "../manifest/mod.ts";
import type { UiPlugin } from "./ui_contributions.ts";

/** A frame's request, as the console page relays it. */
export interface BridgeCall {
  method: string;
  /** The route path, as declared (`/status`, `/commits/abc`), without the plugin's prefix. */
  path: string;
  /** Query string without `?`. */
  query: string;
  body?: string;
  contentType?: string;
}

/** The answer handed back to the frame. */
export interface BridgeAnswer {
  status: number;
  contentType: string;
  body: string;
}

const MAX_BODY = 1024 * 1024;

/** Why a relayed message is refused (`malformed`, `undeclared`), or the call it asks for. */
export function parseBridgeCall(
  value: unknown,
  plugin: UiPlugin,
): { call: BridgeCall } | { refused: "malformed" | "undeclared"; detail: string } {
  const v = value as Record<string, unknown> | null;
  if (
    typeof v !== "object" || v === null || typeof v.method !== "string" ||
    typeof v.path !== "string" || !v.path.startsWith("/") || v.path.length > 2000 ||
    (v.query !== undefined && typeof v.query !== "string") ||
    (v.body !== undefined && typeof v.body !== "string") ||
    (typeof v.body === "string" && v.body.length > MAX_BODY) ||
    (v.contentType !== undefined && typeof v.contentType !== "string")
  ) {
    return { refused: "malformed", detail: "not a bridge request {method, path, query?, body?}" };
  }
  const method = v.method.toUpperCase();
  const path = v.path;
  // Only literal route paths: no "..", "." or empty segments, no encoded separators.
  const segments = path.slice(1).split("/");
  const tricky = segments.some((s, i) =>
    s === "." || s === ".." || (s === "" && i !== segments.length - 1) || /%2f|%5c|\\/i.test(s)
  );
  if (!(ROUTE_METHODS as readonly string[]).includes(method) || tricky) {
    return { refused: "malformed", detail: `${method} ${path} is not a route request` };
  }
  if (!matchRoute(plugin.routes, method, path)) {
    return {
      refused: "undeclared",
      detail: `${method} ${path} is not a route plugin "${plugin.id}" declares`,
    };
  }
  const query = (v.query as string | undefined)?.replace(/^\?/, "") ?? "";
  return {
    call: {
      method,
      path,
      query,
      ...(v.body !== undefined ? { body: v.body as string } : {}),
      ...(v.contentType ? { contentType: v.contentType as string } : {}),
    },
  };
}

/** The API request for `call` (the console sends it as the signed-in session). */
export function bridgeRequest(pluginId: string, call: BridgeCall): Request {
  const url = `http://plugd.console/v1/plugins/${pluginId}/routes${call.path}` +
    (call.query ? `?${call.query}` : "");
  const hasBody = call.body !== undefined && call.method !== "GET" && call.method !== "HEAD";
  return new Request(url, {
    method: call.method,
    headers: hasBody && call.contentType ? { "content-type": call.contentType } : {},
    body: hasBody ? call.body : undefined,
  });
}

/** The API's answer as plain data for the frame (text; at most 1 MiB, like a route answer). */
export async function bridgeAnswer(res: Response): Promise<BridgeAnswer> {
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get("content-type") ?? "",
    body: text.slice(0, MAX_BODY),
  };
}
