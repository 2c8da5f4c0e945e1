/**
 * The auth matrix, generated from ROUTE_TABLE for every route the daemon serves: no token,
 * malformed, revoked, expired -> 401; a scope that does not include the route's -> 403; the
 * route's own scope -> neither 401 nor 403.
 */
import assert from "node:assert/strict";
import { registeredRoutes } from "../../src/api/registered_routes.ts";
import { ROUTE_TABLE, type RouteSpec, toSpecPath } from "../../src/api/route_table.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { buildDaemonApp, createToken, fetchAs, waitFor } from "./_helpers.ts";

const WEAKER: Record<string, string> = {
  admin: "operator",
  operator: "reader",
  reader: "emitter",
  emitter: "reader",
};

function concretePath(route: RouteSpec): string {
  return route.path.replace("{path}", "x").replace(/\{[^}]+\}/g, "zz-none");
}

function init(route: RouteSpec): RequestInit {
  const method = route.method === "ALL" ? "GET" : route.method;
  return method === "GET" || method === "DELETE"
    ? { method }
    : { method, headers: { "content-type": "application/json" }, body: "{}" };
}

Deno.test("auth matrix over every served route in the route table", async () => {
  const { app, dispose } = await buildDaemonApp();
  const served = new Set(registeredRoutes(app).map((r) => `${r.method} ${toSpecPath(r.path)}`));
  await dispose();
  const routes = ROUTE_TABLE.filter((r) => r.scope !== null && served.has(`${r.method} ${r.path}`));
  assert.ok(routes.length >= 5, "the matrix covers the served routes");

  await using daemon = await startDaemon({ env: { PLUGD_RATE_LIMIT: "off" } });
  const tokens: Record<string, string> = {};
  for (const scope of ["admin", "operator", "reader", "emitter"]) {
    tokens[scope] = (await createToken(daemon, scope)).token;
  }
  const revoked = await createToken(daemon, "admin");
  assert.equal((await daemon.fetch(`/v1/tokens/${revoked.id}`, { method: "DELETE" })).status, 200);
  const expired = await createToken(daemon, "admin", { expires_in_s: 1 });
  await waitFor(() => Date.now() > Date.parse(expired.expires_at!) + 50, "the token to expire");

  const failures: string[] = [];
  for (const route of routes) {
    const path = concretePath(route);
    const label = `${route.method} ${route.path}`;
    const cases: [string, string | null, (s: number) => boolean, RegExp?][] = [
      ["no token", null, (s) => s === 401, /Missing Authorization/],
      ["malformed", "not-a-token", (s) => s === 401, /malformed/],
      ["revoked", revoked.token, (s) => s === 401, /revoked/],
      ["expired", expired.token, (s) => s === 401, /expired/],
      [`scope ${WEAKER[route.scope!]}`, tokens[WEAKER[route.scope!]!]!, (s) => s === 403],
      [`scope ${route.scope}`, tokens[route.scope!]!, (s) => s !== 401 && s !== 403],
    ];
    for (const [name, token, ok, detail] of cases) {
      const res = await fetchAs(daemon, token, path, init(route));
      const text = await res.text();
      if (!ok(res.status)) {
        failures.push(`${label} with ${name}: got ${res.status} ${text.slice(0, 200)}`);
      } else if (detail && !detail.test(text)) {
        failures.push(`${label} with ${name}: detail ${text}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});
