import assert from "node:assert/strict";
import { Hono } from "hono";
import { queryAudit } from "../audit/mod.ts";
import { createRegistry } from "../metrics/mod.ts";
import { openStore, type Store } from "../store/mod.ts";
import { createApi, MAX_BODY_BYTES } from "./app.ts";
import { waitFor } from "../../tests/helpers/wait_for.ts";
import { HttpError } from "./problem.ts";
import type { SocketRoute } from "./socket_fast_path.ts";
import type { ApiEnv } from "./types.ts";

const SOCKET = { transport: "socket" as const };

/** An API whose Hono app has `group`'s routes and whose socket serves `route` directly. */
function apiWith(store: Store, group: Hono<ApiEnv>, route: SocketRoute) {
  const registry = createRegistry();
  const api = createApi({
    store,
    startedAt: new Date(),
    state: () => "running",
    groups: [group],
    metrics: registry,
    rateLimit: null,
    socketRoutes: [route],
  });
  return { api, registry };
}

/** A route served by the socket directly; the Hono app serves the same path as "hono". */
function fixture(store: Store, answer: SocketRoute["answer"]) {
  const group = new Hono<ApiEnv>();
  group.post("/v1/things", (c) => c.json({ by: "hono" }, 202));
  group.get("/v1/things", (c) => c.json({ by: "hono" }));
  return apiWith(store, group, {
    method: "POST",
    path: "/v1/things",
    takes: (request) => request.headers.get("content-type") !== "application/x-batch",
    answer,
  });
}

function post(body: string, headers: Record<string, string> = {}, path = "/v1/things"): Request {
  return new Request(`http://plugd${path}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "content-length": String(body.length),
      ...headers,
    },
  });
}

async function withStore(test: (store: Store) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-socket-path-" });
  const store = await openStore(`file:${dir}/plugd.db`);
  try {
    await test(store);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("socket routes: answered without Hono, counted in the same metric series", async () => {
  await withStore(async (store) => {
    const seen: string[] = [];
    const { api, registry } = fixture(store, async (request, query) => {
      seen.push(`${query.get("wait")} ${await request.text()}`);
      return { status: 202, body: { by: "socket" } };
    });
    const res = await api.socket(post('{"a":1}', {}, "/v1/things?wait=true"), SOCKET);
    assert.equal(res.status, 202);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.deepEqual(await res.json(), { by: "socket" });
    assert.deepEqual(seen, ['true {"a":1}']);
    // The Hono app alone (TCP, in-process) never takes the socket's routes.
    const viaApp = await api.app.fetch(post("{}"), SOCKET);
    assert.deepEqual(await viaApp.json(), { by: "hono" });
    const text = registry.render();
    assert.match(
      text,
      /plugd_http_requests_total\{method="POST",route="\/v1\/things",status="202"\} 2/,
    );
    assert.match(
      text,
      /plugd_http_request_duration_seconds_count\{method="POST",route="\/v1\/things"\} 2/,
    );
  });
});

Deno.test("socket routes: what the route does not take goes to the Hono app", async () => {
  await withStore(async (store) => {
    const { api } = fixture(store, () => Promise.resolve({ status: 202, body: { by: "socket" } }));
    const by = async (request: Request) => ((await (await api.socket(request, SOCKET)).json()).by);
    assert.equal(await by(post("[]", { "content-type": "application/x-batch" })), "hono");
    // A chunked body (no content-length) is counted as it streams, by the app's body limit.
    const chunked = new Request("http://plugd/v1/things", {
      method: "POST",
      body: new Blob(["{}"]).stream(),
      headers: { "content-type": "application/json" },
    });
    assert.equal(await by(chunked), "hono");
    assert.equal(await by(new Request("http://plugd/v1/things")), "hono");
    assert.equal(await by(post("{}", {}, "/v1/things/")), undefined); // 404 problem, as before
  });
});

Deno.test("socket routes: refusals are problem+json, the body limit holds, 403 is audited", async () => {
  await withStore(async (store) => {
    const { api } = fixture(store, () => {
      throw new HttpError(403, "Event type plugd.x is reserved");
    });
    const big = post("{}", { "content-length": String(MAX_BODY_BYTES + 1) });
    const tooBig = await api.socket(big, SOCKET);
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.headers.get("content-type"), "application/problem+json");
    assert.match((await tooBig.json()).detail, /limited to 1048576 bytes/);

    const refused = await api.socket(post("{}"), SOCKET);
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get("content-type"), "application/problem+json");
    assert.equal((await refused.json()).detail, "Event type plugd.x is reserved");
    // The audit write is not awaited by the answer.
    const rows = await waitFor(async () => {
      const found = await queryAudit(store, { action: "api.refused" });
      return found.length > 0 ? found : null;
    }, "the refusal's audit row");
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.actor, "socket");
    assert.equal(rows[0]!.target, "POST /v1/things");
    assert.equal(rows[0]!.result, "denied");
  });
});

Deno.test("socket routes: a path ending in one parameter takes one plain segment", async () => {
  await withStore(async (store) => {
    const group = new Hono<ApiEnv>();
    group.post("/v1/things/:name", (c) => c.json({ by: "hono", name: c.req.param("name") }, 202));
    group.post("/v1/things/:name/stop", (c) => c.json({ by: "hono-stop" }));
    const { api, registry } = apiWith(store, group, {
      method: "POST",
      path: "/v1/things/:name",
      takes: () => true,
      answer: (_request, query, name) =>
        Promise.resolve({ status: 202, body: { by: "socket", name, wait: query.get("wait") } }),
    });
    const send = async (path: string) =>
      await (await api.socket(post("{}", {}, path), SOCKET)).json();
    assert.deepEqual(await send("/v1/things/image.resize?wait=5"), {
      by: "socket",
      name: "image.resize",
      wait: "5",
    });
    // Another depth, an empty or encoded segment: Hono's routing (and decoding), as before.
    assert.deepEqual(await send("/v1/things/a/stop"), { by: "hono-stop" });
    assert.deepEqual(await send("/v1/things/a%2Eb"), { by: "hono", name: "a.b" });
    assert.equal((await send("/v1/things/")).status, 404);
    assert.equal((await send("/v1/thingsx")).status, 404);
    assert.match(
      registry.render(),
      /plugd_http_requests_total\{method="POST",route="\/v1\/things\/:name",status="202"\} 2/,
    );
  });
});
