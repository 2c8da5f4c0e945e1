/**
 * Permissions a manifest asks for through other sections: `ui` entries for its console pages and
 * widgets, `public` entries for routes declared with `auth: none`. They join `permissions:` in the
 * validated manifest, so install shows them with their risk, a grant must include them, and an
 * update that adds one waits for a new grant.
 */
import type { Permissions, RouteDecl, UiDecl } from "./types.ts";

/**
 * The derived entries of `ui` and `routes` (keys only when non-empty).
 *
 * @example
 * ```ts
 * derivedPermissions(undefined, [{ method: "POST", path: "/github", auth: "none" }]);
 * // { public: ["POST /github"] }
 * ```
 */
export function derivedPermissions(ui: UiDecl | undefined, routes: RouteDecl[]): Permissions {
  const out: Permissions = {};
  const surfaces = [
    ...(ui?.pages ?? []).map((p) => `page:${p.id}`),
    ...(ui?.widgets ?? []).map((w) => `widget:${w.id}@${w.slot}`),
  ];
  if (surfaces.length > 0) out.ui = surfaces;
  const open = routes.filter(isPublicRoute).map((r) => `${r.method} ${r.path}`);
  if (open.length > 0) out.public = open;
  return out;
}

/** Whether a route is public (`auth: none`). */
export function isPublicRoute(route: RouteDecl): boolean {
  return route.auth === "none";
}
