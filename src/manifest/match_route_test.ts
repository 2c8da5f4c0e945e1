import assert from "node:assert/strict";
import { matchRoute } from "./match_route.ts";
import type { RouteDecl } from "./types.ts";

const ROUTES: RouteDecl[] = [
  { method: "GET", path: "/commits/:sha" },
  { method: "GET", path: "/commits/latest" },
  { method: "POST", path: "/repos/:owner/:repo/hooks" },
  { method: "GET", path: "/" },
];

Deno.test("matchRoute() decodes :params, prefers literals, falls back from HEAD to GET", () => {
  assert.deepEqual(matchRoute(ROUTES, "GET", "/commits/a%2Fb")?.params, { sha: "a/b" });
  assert.deepEqual(matchRoute(ROUTES, "GET", "/commits/latest")?.params, {});
  assert.deepEqual(matchRoute(ROUTES, "POST", "/repos/acme/web/hooks")?.params, {
    owner: "acme",
    repo: "web",
  });
  assert.equal(matchRoute(ROUTES, "HEAD", "/commits/x")?.route.path, "/commits/:sha");
  assert.equal(matchRoute(ROUTES, "GET", "/")?.route.path, "/");
});

Deno.test("matchRoute() refuses empty segments, other methods and other lengths", () => {
  assert.equal(matchRoute(ROUTES, "GET", "/commits/"), undefined);
  assert.equal(matchRoute(ROUTES, "POST", "/commits/x"), undefined);
  assert.equal(matchRoute(ROUTES, "GET", "/commits/x/y"), undefined);
  assert.deepEqual(matchRoute(ROUTES, "GET", "/commits/%E0%A4%A")?.params, { sha: "%E0%A4%A" });
});
