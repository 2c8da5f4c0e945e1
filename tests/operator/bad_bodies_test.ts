/**
 * Bad bodies for every POST/PUT/PATCH route in ROUTE_TABLE: malformed JSON, a JSON array, and an
 * object of the wrong shape must each answer a 4xx problem+json with a detail — never a 5xx,
 * never a hang. Generated from the table, so a new route is covered when it is added there.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROUTE_TABLE } from "../../src/api/route_table.ts";
import { startDaemon } from "../helpers/daemon.ts";

const FIXTURES = new URL("../fixtures/lifecycle/", import.meta.url).pathname;

Deno.test("every POST/PUT route rejects bad bodies with a 4xx problem+json", async () => {
  await using d = await startDaemon({ env: { PLUGD_RATE_LIMIT: "off" } });
  // A real plugin and webhook, so routes with an {id} reach their body validation.
  const install = await d.fetchSocket("/v1/plugins", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ source: join(FIXTURES, "counter-v1") }),
  });
  assert.equal(install.status, 201);
  const ids: Record<string, string> = { id: "counter", name: "some.name" };

  const bodies: [string, string][] = [
    ["malformed JSON", "{not json"],
    ["a JSON array", "[1, 2]"],
    ["the wrong shape", JSON.stringify({ unexpected: { deeply: [true] } })],
  ];
  const failures: string[] = [];
  const routes = ROUTE_TABLE.filter((r) => ["POST", "PUT", "PATCH"].includes(r.method));
  assert.ok(routes.length >= 10, `POST/PUT routes found: ${routes.length}`);
  for (const route of routes) {
    const path = route.path.replace("{path}", "x").replace(/\{(\w+)\}/g, (_, k) => ids[k] ?? k);
    for (const [what, body] of bodies) {
      const res = await d.fetchSocket(path, {
        method: route.method,
        headers: { "content-type": "application/json" },
        body,
      });
      const text = await res.text();
      const label = `${route.method} ${route.path} with ${what}: ${res.status} ${
        text.slice(0, 160)
      }`;
      if (res.status >= 500) {
        failures.push(label);
      } else if (res.status >= 400) {
        const problem = JSON.parse(text);
        if (res.headers.get("content-type") !== "application/problem+json" || !problem.detail) {
          failures.push(`not problem+json: ${label}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});
