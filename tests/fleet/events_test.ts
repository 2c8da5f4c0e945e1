/**
 * Fleet events and NATS outages across three real daemons: an event with `scope: fleet` posted
 * to one host reaches exactly the matching plugins on every host (once each), host-local events
 * stay local, a host stopped during the publish gets the event when it returns, and with NATS
 * stopped every host keeps running its plugins and local events, reports `fleet: disconnected`,
 * keeps accepting fleet events, and catches up when NATS is back.
 */
import assert from "node:assert/strict";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { type FleetHost, type Json, startFleet, waitForMembers, waitForStatus } from "./_fleet.ts";

/** Plugins that ran `id` on `host` (each once), once every result is in. */
async function handledBy(host: FleetHost, id: string): Promise<string[]> {
  return await waitFor(
    async () => {
      const { status, body } = await host.call("GET", `/v1/events/${id}`);
      if (status !== 200 || body.status !== "completed") return null;
      assert.ok(body.results.every((r: Json) => r.status === "ok"), JSON.stringify(body.results));
      return body.results.map((r: Json) => r.plugin).sort();
    },
    `event ${id} handled on ${host.id}`,
    60_000,
  );
}

function ping(id: string, scope?: string) {
  return {
    specversion: "1.0",
    id,
    source: "/test",
    type: "demo.ping",
    ...(scope ? { scope } : {}),
  };
}

Deno.test("fleet events reach the matching plugins on every host, also a host that was down; NATS outages are survived", async () => {
  await using fleet = await startFleet([
    { id: "h1", labels: { role: "web" } },
    { id: "h2", labels: { role: "web" } },
    { id: "h3", labels: { role: "db" } },
  ]);
  const [h1, h2, h3] = fleet.hosts as [FleetHost, FleetHost, FleetHost];
  await waitForMembers(fleet, ["h1", "h2", "h3"]);
  await fleet.publishPlugin({ id: "acme-listen", version: "1.0.0" });
  await fleet.publishPlugin({ id: "acme-web", version: "1.0.0" });
  const registry = fleet.registry.url;
  const applied = await h1.call("POST", "/v1/fleet/apply", {
    document: {
      plugins: [
        { id: "acme-listen", version: "1.0.0", registry },
        { id: "acme-web", version: "1.0.0", registry, hosts: { labels: { role: "web" } } },
      ],
    },
  });
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  for (const id of ["h1", "h2", "h3"]) await waitForStatus(fleet, id, "acme-listen", "converged");
  for (const id of ["h1", "h2"]) await waitForStatus(fleet, id, "acme-web", "converged");

  // scope: fleet on POST /v1/events of any host: every host, only its matching plugins.
  const posted = await h1.call("POST", "/v1/events", ping("fleet-1", "fleet"));
  assert.equal(posted.status, 202, JSON.stringify(posted.body));
  assert.equal(posted.body.scope, "fleet");
  assert.deepEqual(await handledBy(h1, "fleet-1"), ["acme-listen", "acme-web"]);
  assert.deepEqual(await handledBy(h2, "fleet-1"), ["acme-listen", "acme-web"]);
  assert.deepEqual(await handledBy(h3, "fleet-1"), ["acme-listen"]);
  const waitRefused = await h1.call("POST", "/v1/events?wait=true", ping("fleet-x", "fleet"));
  assert.equal(waitRefused.status, 400);

  // A host-local event stays on its host.
  assert.equal((await h2.call("POST", "/v1/events", ping("local-1"))).status, 202);
  assert.deepEqual(await handledBy(h2, "local-1"), ["acme-listen", "acme-web"]);

  // h3 is stopped while a fleet event is published; it gets it when it comes back.
  assert.equal(await h3.daemon.stop(), 0);
  const emitted = await runPlugd([
    "fleet",
    "emit",
    "demo.ping",
    "--id",
    "fleet-2",
    "--data",
    '{"n": 2}',
    "--socket",
    h2.daemon.socketPath,
  ]);
  assert.equal(emitted.code, 0, emitted.stderr);
  assert.match(emitted.stdout, /accepted fleet-2 for every host/);
  assert.deepEqual(await handledBy(h1, "fleet-2"), ["acme-listen", "acme-web"]);
  const back = await fleet.startHost("h3", { role: "db" }, h3.daemon.stateDir);
  assert.deepEqual(await handledBy(back, "fleet-2"), ["acme-listen"]);
  assert.equal((await back.call("GET", "/v1/events/local-1")).status, 404);
  assert.equal((await h1.call("GET", "/v1/events/local-1")).status, 404);
  assert.deepEqual(await handledBy(back, "fleet-1"), ["acme-listen"], "not delivered twice");

  // NATS goes away: hosts keep working, report disconnected, keep accepting fleet events.
  await fleet.nats.stop();
  for (const host of [h1, h2, back]) {
    await waitFor(async () => {
      const health = await (await host.daemon.fetch("/v1/health")).json();
      return health.fleet === "disconnected";
    }, `${host.id} disconnected`);
  }
  const metrics = await (await h1.daemon.fetch("/metrics")).text();
  assert.match(metrics, /plugd_fleet_connected 0/);
  assert.equal((await h1.call("POST", "/v1/events", ping("local-2"))).status, 202);
  assert.deepEqual(await handledBy(h1, "local-2"), ["acme-listen", "acme-web"]);
  const during = await h2.call("POST", "/v1/events", ping("fleet-3", "fleet"));
  assert.equal(during.status, 202, "stored in the outbox while NATS is away");
  const noApply = await h2.call("POST", "/v1/fleet/apply", { document: { plugins: [] } });
  assert.equal(noApply.status, 503);
  assert.match(noApply.body.detail, /NATS is not reachable/);
  const status = await runPlugd(["fleet", "status", "--socket", h1.daemon.socketPath]);
  assert.match(status.stdout, /DISCONNECTED/);

  // NATS is back: everyone reconnects, the outbox is published, every host catches up.
  await fleet.nats.restart();
  for (const host of [h1, h2, back]) {
    await waitFor(
      async () => {
        const health = await (await host.daemon.fetch("/v1/health")).json();
        return health.fleet === "connected";
      },
      `${host.id} connected again`,
      60_000,
    );
  }
  assert.deepEqual(await handledBy(h1, "fleet-3"), ["acme-listen", "acme-web"]);
  assert.deepEqual(await handledBy(back, "fleet-3"), ["acme-listen"]);
  // The desired state survived in NATS and hosts still act on it.
  const kept = await h1.call("GET", "/v1/fleet/status");
  assert.equal(kept.body.plugins.length, 2);
  const reapply = await back.call("POST", "/v1/fleet/apply", {
    document: { plugins: [{ id: "acme-listen", version: "1.0.0", registry }] },
  });
  assert.equal(reapply.status, 200, JSON.stringify(reapply.body));
  for (const host of [h1, h2]) {
    await waitFor(
      async () => (await host.call("GET", "/v1/plugins/acme-web")).status === 404,
      `acme-web removed from ${host.id}`,
      60_000,
    );
  }
  // h3 leaves for good: refused while it runs, forgotten (with --force) once stopped.
  const early = await runPlugd(["fleet", "forget", "h3", "--socket", h1.daemon.socketPath]);
  assert.notEqual(early.code, 0);
  assert.match(early.stderr, /heard from in the last minute/);
  assert.equal(await back.daemon.stop(), 0);
  const forgot = await runPlugd([
    "fleet",
    "forget",
    "h3",
    "--force",
    "--json",
    "--socket",
    h1.daemon.socketPath,
  ]);
  assert.equal(forgot.code, 0, forgot.stderr);
  assert.deepEqual(JSON.parse(forgot.stdout), { host: "h3", statuses: 1, consumer: true });
  await waitFor(async () => {
    const { body } = await h2.call("GET", "/v1/fleet/status");
    return !body.hosts.some((h: Json) => h.id === "h3") &&
      !body.statuses.some((s: Json) => s.host === "h3");
  }, "h3 gone from every host's view");
});
