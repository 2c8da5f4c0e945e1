/** The shape of one route in the route table, and small JSON Schema helpers for it. */
import type { Scope } from "../auth/mod.ts";

/** A JSON Schema sketch (enough for a reader and a client generator, not exhaustive). */
export type JsonSchema = Record<string, unknown>;

/** One route. */
export interface RouteSpec {
  /** `ALL` for routes that accept any method (a plugin's own routes). */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "ALL";
  /** OpenAPI-style path: `/v1/tokens/{id}`; a trailing `{path}` stands for Hono's `*`. */
  path: string;
  /** Scope the caller needs over TCP; `null` = no authentication. */
  scope: Scope | null;
  summary: string;
  tag: string;
  /** Query parameters: name -> description. */
  query?: Record<string, string>;
  request?: JsonSchema;
  /** More request media types the route takes beside `application/json`, with their schemas. */
  requestTypes?: Record<string, JsonSchema>;
  response?: JsonSchema;
  /** Success status. @default 200 */
  status?: number;
  /** Response media type. @default "application/json" */
  contentType?: string;
}

export const str = { type: "string" };
export const obj = (
  properties: Record<string, JsonSchema>,
  required: string[] = [],
): JsonSchema => ({
  type: "object",
  properties,
  ...(required.length ? { required } : {}),
});
export const list = (key: string, items: JsonSchema): JsonSchema =>
  obj({ [key]: { type: "array", items } });
export const token = obj({
  id: str,
  name: str,
  scope: { enum: ["admin", "operator", "reader", "emitter"] },
  created_at: str,
  expires_at: { type: ["string", "null"] },
  revoked_at: { type: ["string", "null"] },
  last_used_at: { type: ["string", "null"] },
});
export const plugin = obj({ id: str, version: str, state: str, manifest: { type: "object" } });
export const source = obj({ source: str, allow_downgrade: { type: "boolean" } }, ["source"]);

/** The route table. Keep it in the order of SPEC §8. */
