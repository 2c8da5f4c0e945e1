/**
 * Three real daemons in a fleet over a real `nats-server -js`: they join and show in
 * `plugd fleet status`; `plugd fleet apply` converges all of them (install, grant, config with a
 * secret from each host's environment, enable), label targeting, removal, an apply with a grant
 * wider than the request refused with nothing written, and hand-edited entries (a broken
 * digest, and a resealed wider grant) refused by every host with the reason in its status; a
 * plugin installed by hand under a declared id is left alone by the fleet on that host.
 */
import assert from "node:assert/strict";
import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { sealEntry } from "../../src/fleet/desired_entry.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { packTestPlugin } from "../registry/_registry.ts";
import { type Json, startFleet, statusOf, waitForMembers, waitForStatus } from "./_fleet.ts";

const NOTIFY_PERMISSIONS = { net: ["hooks.slack.com:443"], emit: ["acme.*"] };
const NOTIFY_CONFIG = [
  "config:",
  "  channel: { type: string, default: '#general' }",
  "  webhook_url: { type: string, secret: true, required: true }",
];

Deno.test("a fleet of three converges to the declared state; targeting, removal, refusals", async () => {
  await using fleet = await startFleet(
    [
      { id: "h1", labels: { role: "web" } },
      { id: "h2", labels: { role: "web" } },
      { id: "h3", labels: { role: "db" } },
    ],
    {
      env: {
        SLACK_URL: "https://hooks.slack.com/services/T0/B0/x",
        PLUGD_FLEET_SECRET_ENV: "SLACK_*",
      },
    },
  );
  const [h1, h2, h3] = fleet.hosts as [Json, Json, Json];
  await waitForMembers(fleet, ["h1", "h2", "h3"]);

  // Membership: health, the API and the CLI.
  const health = await (await h1.daemon.fetch("/v1/health")).json();
  assert.equal(health.fleet, "connected");
  assert.equal(health.fleet_host, "h1");
  const members = await runPlugd(["fleet", "status", "--socket", h2.daemon.socketPath]);
  assert.equal(members.code, 0, members.stderr);
  assert.match(members.stdout, /fleet seen from h2 \(connected\)/);
  for (const id of ["h1", "h2", "h3"]) assert.match(members.stdout, new RegExp(`${id}\\s+online`));
  assert.match(members.stdout, /role=db/);
  const hosts = await runPlugd(["fleet", "hosts", "--json", "--socket", h3.daemon.socketPath]);
  assert.equal(hosts.code, 0, hosts.stderr);
  assert.deepEqual(
    JSON.parse(hosts.stdout).hosts.map((h: Json) => [h.id, h.online, h.labels.role]),
    [["h1", true, "web"], ["h2", true, "web"], ["h3", true, "db"]],
  );

  await fleet.publishPlugin({
    id: "acme-notify",
    version: "1.0.0",
    permissions: NOTIFY_PERMISSIONS,
    manifestExtra: NOTIFY_CONFIG,
  });
  await fleet.publishPlugin({ id: "acme-web", version: "1.0.0" });
  const notify = {
    id: "acme-notify",
    version: "^1.0",
    registry: fleet.registry.url,
    grant: NOTIFY_PERMISSIONS,
    config: { channel: "#deploys" },
    secrets: { webhook_url: { from: "env", name: "SLACK_URL" } },
  };
  const web = {
    id: "acme-web",
    version: "1.0.0",
    registry: fleet.registry.url,
    hosts: { labels: { role: "web" } },
  };

  // Apply through the CLI: the plan names the hosts, then every host converges.
  const file = await fleet.writeFleetFile({ plugins: [notify, web] });
  const applied = await runPlugd(["fleet", "apply", file, "--socket", h1.daemon.socketPath]);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /\+ acme-notify 1\.0\.0: add/);
  assert.match(applied.stdout, /h3: install 1\.0\.0/);
  assert.match(applied.stdout, /written/);
  for (const id of ["h1", "h2", "h3"]) {
    await waitForStatus(fleet, id, "acme-notify", "converged", "1.0.0");
  }
  for (const id of ["h1", "h2"]) await waitForStatus(fleet, id, "acme-web", "converged", "1.0.0");
  // One download at apply, then one per host: each host installs the archive it checked.
  const detail = await (await fetch(`${fleet.registry.url}/api/v1/plugins/acme-notify`)).json();
  assert.ok(
    detail.downloads <= 4,
    `acme-notify downloaded ${detail.downloads} times (apply + 3 hosts)`,
  );
  const audited = JSON.stringify((await h1.call("GET", "/v1/audit?action=fleet.apply")).body);
  assert.match(audited, /fleet\.apply/);
  assert.match(JSON.stringify((await h2.call("GET", "/v1/audit")).body), /"actor":"fleet"/);
  const onH2 = await h2.call("GET", "/v1/plugins/acme-notify");
  assert.equal(onH2.body.state, "enabled");
  assert.deepEqual(onH2.body.permissions.granted, NOTIFY_PERMISSIONS);
  const config = await h2.call("GET", "/v1/plugins/acme-notify/config");
  assert.equal(config.body.config.channel, "#deploys");
  assert.equal(config.body.config.webhook_url, "********");
  assert.doesNotMatch(JSON.stringify(config.body), /hooks\.slack\.com\/services/);
  // Label targeting: the db host never got the web plugin.
  assert.equal((await h3.call("GET", "/v1/plugins/acme-web")).status, 404);
  assert.equal(await statusOf(h1, "h3", "acme-web"), null);
  // The secret is not in NATS: the desired entry holds only the reference.
  const nc = await connect({ servers: fleet.nats.url });
  try {
    const kv = await new Kvm(nc).open("plugd_fleet");
    const raw = new TextDecoder().decode((await kv.get("desired.acme-notify"))!.value);
    assert.doesNotMatch(raw, /hooks\.slack\.com\/services/);
    assert.match(raw, /SLACK_URL/);

    // Applying the same file again changes nothing.
    const again = await h3.call("POST", "/v1/fleet/apply", {
      document: { plugins: [notify, web] },
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.written, false);
    assert.deepEqual(again.body.plugins.map((p: Json) => p.action), ["unchanged", "unchanged"]);

    // A grant wider than the package requests: refused at apply, nothing written.
    const wide = { ...notify, grant: { ...NOTIFY_PERMISSIONS, net: ["*"] } };
    const refused = await runPlugd([
      "fleet",
      "apply",
      await fleet.writeFleetFile({ plugins: [wide, web] }),
      "--socket",
      h1.daemon.socketPath,
    ]);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /plugins\[0\]\.grant: the grant must equal what acme-notify@1\.0\.0 requests/,
    );
    const entryAfter = await kv.get("desired.acme-notify");
    assert.equal(new TextDecoder().decode(entryAfter!.value), raw, "nothing written");

    // A hand-edited entry (digest no longer matches): every host refuses it, nothing changes.
    const webEntry = JSON.parse(
      new TextDecoder().decode((await kv.get("desired.acme-web"))!.value),
    );
    await kv.put(
      "desired.acme-web",
      new TextEncoder().encode(JSON.stringify({ ...webEntry, grant: { run: ["/bin/sh"] } })),
    );
    for (const id of ["h1", "h2"]) {
      const s = await waitForStatus(fleet, id, "acme-web", "failed");
      assert.match(s.reason, /does not match its digest/);
    }
    // A resealed entry whose grant is wider than the package requests: refused by each host.
    const { digest: _d, ...rest } = webEntry;
    const resealed = await sealEntry({ ...rest, grant: { net: ["example.com:443"] } });
    await kv.put("desired.acme-web", new TextEncoder().encode(JSON.stringify(resealed)));
    for (const id of ["h1", "h2"]) {
      await waitFor(
        async () => {
          const s = await statusOf(h3, id, "acme-web"); // as h3 sees it: the CLI below asks h3
          return s?.state === "failed" && /the grant must equal/.test(s.reason) ? s : null;
        },
        `${id} to refuse the wider grant`,
        60_000,
      );
    }
    const still = await h1.call("GET", "/v1/plugins/acme-web");
    assert.equal(still.body.state, "enabled");
    assert.deepEqual(still.body.permissions.granted, {});
    const status = await runPlugd(["fleet", "status", "--socket", h3.daemon.socketPath]);
    assert.match(status.stdout, /h1 acme-web: failed: refused/);
  } finally {
    await nc.close();
  }

  // Removal: a document without acme-web takes it off h1 and h2 (data kept).
  const removal = await h2.call("POST", "/v1/fleet/apply", { document: { plugins: [notify] } });
  assert.equal(removal.status, 200, JSON.stringify(removal.body));
  const plan = removal.body.plugins.find((p: Json) => p.id === "acme-web");
  assert.equal(plan.action, "remove");
  for (const host of [h1, h2]) {
    await waitFor(
      async () => (await host.call("GET", "/v1/plugins/acme-web")).status === 404,
      `acme-web removed from ${host.id}`,
      60_000,
    );
  }
  await waitFor(async () => (await statusOf(h3, "h1", "acme-web")) === null, "status cleared");
  assert.equal((await h1.call("GET", "/v1/plugins/acme-notify")).body.state, "enabled");

  // A plugin installed by hand under an id the fleet then declares: that host leaves it alone
  // (no take-over, no removal later) and says why; the other hosts converge.
  const byHand = await packTestPlugin(fleet.root, fleet.publisher.key, {
    id: "acme-hand",
    version: "1.0.0",
  });
  assert.equal((await h3.call("POST", "/v1/plugins", { source: byHand })).status, 201);
  await fleet.publishPlugin({ id: "acme-hand", version: "1.0.0" });
  const hand = { id: "acme-hand", version: "1.0.0", registry: fleet.registry.url };
  const declared = await h1.call("POST", "/v1/fleet/apply", {
    document: { plugins: [notify, hand] },
  });
  assert.equal(declared.status, 200, JSON.stringify(declared.body));
  for (const id of ["h1", "h2"]) await waitForStatus(fleet, id, "acme-hand", "converged", "1.0.0");
  const refusedHand = await waitForStatus(fleet, "h3", "acme-hand", "failed");
  assert.match(refusedHand.reason, /installed on this host by hand, not by the fleet/);
  assert.equal((await h3.call("GET", "/v1/plugins/acme-hand")).body.state, "installed");
  const undeclared = await h1.call("POST", "/v1/fleet/apply", { document: { plugins: [notify] } });
  assert.equal(undeclared.status, 200, JSON.stringify(undeclared.body));
  await waitFor(
    async () => (await h1.call("GET", "/v1/plugins/acme-hand")).status === 404,
    "acme-hand removed from h1",
    60_000,
  );
  assert.equal((await h3.call("GET", "/v1/plugins/acme-hand")).status, 200, "h3's own stays");
});
