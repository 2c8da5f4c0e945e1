/**
 * Every route of the registry server in one table: it generates
 * `GET /api/v1/openapi.json` and a test checks it against the routes the server registers.
 */

/** Who may call a route (`null`: anyone; `owner`: the plugin's publisher or an admin). */
export type RegistryRole = "admin" | "publisher" | "owner" | "installation" | null;

/** One route of the registry API. */
export interface RegistryRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI-style path, e.g. `/api/v1/plugins/{id}`. */
  path: string;
  role: RegistryRole;
  tag: string;
  summary: string;
  query?: Record<string, string>;
  /** Success status. @default 200 */
  status?: number;
}

const r = (
  method: RegistryRoute["method"],
  path: string,
  role: RegistryRole,
  tag: string,
  summary: string,
  extra: Partial<RegistryRoute> = {},
): RegistryRoute => ({ method, path, role, tag, summary, ...extra });

const P = "/api/v1";

/** Every route, in the order the OpenAPI document lists them. */
export const REGISTRY_ROUTES: readonly RegistryRoute[] = [
  r("GET", `${P}/health`, null, "registry", "Liveness, version and number of listed plugins"),
  r("GET", `${P}/openapi.json`, null, "registry", "This API described (OpenAPI 3.1)"),
  r("GET", `${P}/search`, null, "marketplace", "Search listed plugins (FTS5, bm25-ranked)", {
    query: {
      q: "words to find in id, name, tags, description (prefix match)",
      category: "only this category",
      permission: "comma-separated kinds the plugin must request (net,read,...)",
      without: "comma-separated kinds it must not request",
      max_risk: "none|low|medium|high|critical: highest acceptable risk",
      sort: "relevance|downloads|rating|updated|name",
      featured: "true: only featured plugins",
      limit: "page size (1-100, default 20)",
      offset: "start of the page",
    },
  }),
  r("GET", `${P}/categories`, null, "marketplace", "Categories with plugin counts"),
  r("GET", `${P}/featured`, null, "marketplace", "Plugins featured by the admins, in order"),
  r("GET", `${P}/plugins/{id}`, null, "marketplace", "Plugin detail: readme, versions, risks"),
  r("GET", `${P}/plugins/{id}/index`, null, "marketplace", "The plugin in index format (ETag)"),
  r(
    "GET",
    `${P}/plugins/{id}/versions/{version}/download`,
    null,
    "marketplace",
    "Download a version's .tgz (counted)",
  ),
  r("GET", `${P}/plugins/{id}/reviews`, null, "reviews", "Reviews, newest first", {
    query: { limit: "page size (1-100)", offset: "start of the page" },
  }),
  r("GET", `${P}/advisories`, null, "advisories", "The signed advisory feed (ETag)"),
  r("GET", `${P}/advisories/key`, null, "advisories", "The advisory signing key's public half"),
  r("POST", `${P}/installations`, null, "reviews", "Register an installation (token once)", {
    status: 201,
  }),
  r("POST", `${P}/publishers`, null, "publishers", "Sign up as a publisher (if enabled)", {
    status: 201,
  }),
  r("POST", `${P}/packages`, "publisher", "publishing", "Publish a signed .tgz", { status: 201 }),
  r("POST", `${P}/plugins/{id}/versions/{version}/yank`, "owner", "publishing", "Yank a version"),
  r("DELETE", `${P}/plugins/{id}/versions/{version}/yank`, "owner", "publishing", "Undo a yank"),
  r(
    "POST",
    `${P}/plugins/{id}/versions/{version}/deprecate`,
    "owner",
    "publishing",
    "Deprecate a version with a message",
  ),
  r("POST", `${P}/plugins/{id}/deprecate`, "owner", "publishing", "Deprecate the whole plugin"),
  r("PATCH", `${P}/plugins/{id}`, "owner", "publishing", "Edit categories, tags, homepage"),
  r("GET", `${P}/me`, "publisher", "publishers", "The calling publisher and its keys"),
  r("POST", `${P}/me/keys`, "publisher", "publishers", "Register a signing key", { status: 201 }),
  r("DELETE", `${P}/me/keys/{key}`, "publisher", "publishers", "Revoke a signing key"),
  r("PUT", `${P}/plugins/{id}/reviews/mine`, "installation", "reviews", "Write or edit my review"),
  r("DELETE", `${P}/plugins/{id}/reviews/mine`, "installation", "reviews", "Delete my review", {
    status: 204,
  }),
  r("POST", `${P}/plugins/{id}/flags`, "installation", "reviews", "Flag a plugin for review", {
    status: 201,
  }),
  r("GET", `${P}/admin/queue`, "admin", "admin", "Pending publishers, versions and flags"),
  r("POST", `${P}/admin/publishers`, "admin", "admin", "Create a publisher (token once)", {
    status: 201,
  }),
  ...["approve", "ban", "verify", "unverify", "namespaces"].map((a) =>
    r("POST", `${P}/admin/publishers/{name}/${a}`, "admin", "admin", `Publisher: ${a}`)
  ),
  ...["approve", "reject", "ban"].map((a) =>
    r("POST", `${P}/admin/plugins/{id}/versions/{version}/${a}`, "admin", "admin", `Version: ${a}`)
  ),
  ...["ban", "unban"].map((a) =>
    r("POST", `${P}/admin/plugins/{id}/${a}`, "admin", "admin", `Plugin: ${a}`)
  ),
  r("POST", `${P}/admin/plugins/{id}/feature`, "admin", "admin", "Feature (rank) or unfeature"),
  ...["hide", "show"].map((a) =>
    r("POST", `${P}/admin/reviews/{rid}/${a}`, "admin", "admin", `Review: ${a}`)
  ),
  r("POST", `${P}/admin/flags/{fid}/resolve`, "admin", "admin", "Close a flag"),
  r("POST", `${P}/admin/advisories`, "admin", "advisories", "Publish a signed advisory", {
    status: 201,
  }),
];

/** The OpenAPI 3.1 document of the registry API. */
export function registryOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const problem = {
    description: "RFC 9457 problem details",
    content: { "application/problem+json": { schema: { type: "object" } } },
  };
  for (const route of REGISTRY_ROUTES) {
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
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      tags: [route.tag],
      summary: route.summary,
      "x-plugd-registry-role": route.role,
      security: route.role ? [{ bearer: [] }] : [],
      parameters: [...params, ...query],
      responses: {
        [String(route.status ?? 200)]: { description: route.summary },
        ...(route.role ? { "401": problem, "403": problem } : {}),
        default: problem,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "plugd registry",
      version,
      description: "The plugd registry server: marketplace, publishing, reviews, advisories. " +
        "See docs/registry.md.",
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "plugr_<id>_<secret>" },
      },
    },
  };
}
