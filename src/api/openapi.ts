import { Hono } from "hono";
import { VERSION } from "../version.ts";
import { ROUTE_TABLE, type RouteSpec } from "./route_table.ts";
import type { ApiEnv } from "./types.ts";

const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };
const ALL_METHODS = ["get", "post", "put", "patch", "delete"] as const;

/**
 * Builds the OpenAPI 3.1 document from the route table. Each operation carries the scope it
 * needs as `x-plugd-scope` (`null` = no auth) and the problem+json error responses.
 */
export function buildOpenApi(routes: readonly RouteSpec[] = ROUTE_TABLE): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const methods = route.method === "ALL" ? ALL_METHODS : [route.method.toLowerCase()];
    for (const method of methods) {
      (paths[route.path] ??= {})[method] = operation(route);
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "plugd",
      version: VERSION,
      description: "The plugd daemon's HTTP API (TCP with a bearer token, or the Unix socket). " +
        "See docs/api.md for scopes, errors and rate limits.",
    },
    servers: [{ url: "http://127.0.0.1:7420" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "plugd_<id>_<secret>" },
      },
      schemas: {
        Problem: {
          type: "object",
          description: "RFC 9457 problem details (application/problem+json)",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
          },
          required: ["type", "title", "status", "detail"],
        },
      },
    },
  };
}

function operation(route: RouteSpec): Record<string, unknown> {
  const status = String(route.status ?? 200);
  const contentType = route.contentType ?? "application/json";
  const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = Object.entries(route.query ?? {}).map(([name, description]) => ({
    name,
    in: "query",
    required: false,
    description,
    schema: { type: "string" },
  }));
  const problem = (description: string) => ({
    description,
    content: { "application/problem+json": { schema: PROBLEM_REF } },
  });
  const responses: Record<string, unknown> = {
    [status]: {
      description: route.summary,
      content: { [contentType]: { schema: route.response ?? {} } },
    },
    "400": problem("Bad request"),
    "413": problem("Body over 1 MiB"),
    default: problem("Error"),
  };
  if (route.scope !== null) {
    responses["401"] = problem("Missing, malformed, unknown, revoked or expired token");
    responses["403"] = problem(`Token scope does not include "${route.scope}"`);
    responses["429"] = problem("Rate limit exceeded; see Retry-After");
  }
  return {
    summary: route.summary,
    tags: [route.tag],
    operationId: `${route.method.toLowerCase()}${
      route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c) => (c ?? "").toUpperCase())
    }`,
    "x-plugd-scope": route.scope,
    ...(route.scope === null ? { security: [] } : {}),
    parameters: [...params, ...query],
    ...(route.request
      ? {
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: route.request },
            ...Object.fromEntries(
              Object.entries(route.requestTypes ?? {}).map(([type, schema]) => [type, { schema }]),
            ),
          },
        },
      }
      : {}),
    responses,
  };
}

/** `GET /v1/openapi.json`: no authentication (like /v1/health); it describes, never reveals. */
export function createOpenApiRoutes(): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const document = buildOpenApi();
  app.get("/v1/openapi.json", (c) => c.json(document));
  return app;
}
