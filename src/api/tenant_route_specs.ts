/** Route table entries of tenants (issue 15 item 1). */
import { list, obj, type RouteSpec, str } from "./route_spec.ts";

const tenant = obj({ id: str, name: str, created_at: str, created_by: str });

/** The routes. */
export const TENANT_ROUTES: readonly RouteSpec[] = [
  {
    method: "GET",
    path: "/v1/tenants",
    scope: "reader",
    tag: "tenants",
    summary: "List tenants",
    response: list("tenants", tenant),
  },
  {
    method: "POST",
    path: "/v1/tenants",
    scope: "admin",
    tag: "tenants",
    summary: "Add a tenant (id: lowercase letters, digits and -)",
    request: obj({ id: str, name: str }, ["id"]),
    response: tenant,
    status: 201,
  },
  {
    method: "GET",
    path: "/v1/tenants/{id}",
    scope: "reader",
    tag: "tenants",
    summary: "A tenant and the plugins that run for it (by name, or for every tenant)",
    response: obj({
      id: str,
      name: str,
      plugins: {
        type: "array",
        items: obj({ id: str, state: str, via: { enum: ["tenant", "all"] } }),
      },
    }),
  },
  {
    method: "DELETE",
    path: "/v1/tenants/{id}",
    scope: "admin",
    tag: "tenants",
    summary: "Remove a tenant (its enablements); with purge=true also its plugin data " +
      "(storage, config overrides, databases)",
    query: { purge: "true to delete the tenant's data of every plugin" },
    response: obj({
      id: str,
      removed: { type: "boolean" },
      purged: { type: "boolean" },
      plugins: { type: "array", items: str },
    }),
  },
];
