/**
 * Registry search against a real registry server: relevance (an exact id first, name and tags
 * before description), filters (category, permission kinds, highest risk), sorts (downloads,
 * rating, name), paging, categories, featured, and bans hiding a plugin.
 */
import assert from "node:assert/strict";
import { createPublisher, packTestPlugin, publish, startRegistry } from "./_registry.ts";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";

Deno.test("search ranks, filters, sorts and pages; categories, featured and bans", async () => {
  await using registry = await startRegistry();
  const root = await moduleTempDir("plugd-search-");
  const acme = await createPublisher(registry, "acme");
  // Verified: its critical-risk plugin (run) is published without waiting for review.
  assert.equal(
    (await registry.call("POST", "/api/v1/admin/publishers/acme/verify", {})).status,
    200,
  );
  const plugins: {
    id: string;
    name: string;
    description: string;
    tags: string;
    categories: string;
    permissions: Record<string, string[]>;
  }[] = [
    {
      id: "acme-slack",
      name: "Slack",
      description: "Post events to a chat channel",
      tags: "chat,slack",
      categories: "chat",
      permissions: { net: ["hooks.slack.com:443"] },
    },
    {
      id: "acme-mail",
      name: "Mailer",
      description: "Send deployment reports to Slack users by email",
      tags: "email",
      categories: "chat",
      permissions: { net: ["smtp.example.com:587"] },
    },
    {
      id: "acme-gate",
      name: "Deploy gate",
      description: "Veto deployments outside the window",
      tags: "ci",
      categories: "deploy",
      permissions: {},
    },
    {
      id: "acme-git",
      name: "Git runner",
      description: "Runs git to tag releases",
      tags: "git",
      categories: "deploy",
      permissions: { run: ["/usr/bin/git"] },
    },
    {
      id: "acme-notes",
      name: "Notes",
      description: "Keep release notes",
      tags: "docs",
      categories: "docs",
      permissions: { write: ["$DATA"] },
    },
  ];
  for (const p of plugins) {
    const tgz = await packTestPlugin(root, acme.key, {
      id: p.id,
      version: "1.0.0",
      name: p.name,
      description: p.description,
      permissions: p.permissions,
    });
    const res = await publish(registry, acme.token, tgz, {
      tags: p.tags,
      categories: p.categories,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const ids = async (query: string) =>
    ((await registry.call("GET", `/api/v1/search?${query}`, undefined, null)).body.plugins as {
      id: string;
    }[]).map((p) => p.id);

  assert.deepEqual(
    await ids("q=slack"),
    ["acme-slack", "acme-mail"],
    "id/name/tag hits outrank a description hit",
  );
  assert.deepEqual((await ids("q=acme-mail"))[0], "acme-mail", "an exact id ranks first");
  assert.deepEqual(await ids("q=depl"), ["acme-gate", "acme-mail"], "prefix search");
  assert.deepEqual(await ids("q=deploy%20window"), ["acme-gate"], "every word must match");
  assert.deepEqual(await ids("category=chat&sort=name"), ["acme-mail", "acme-slack"]);
  assert.deepEqual(await ids("permission=net&sort=name"), ["acme-mail", "acme-slack"]);
  assert.deepEqual(await ids("without=net,run&sort=name"), ["acme-gate", "acme-notes"]);
  assert.deepEqual(await ids("max_risk=none"), ["acme-gate"]);
  assert.deepEqual(await ids("max_risk=medium&sort=name"), [
    "acme-gate",
    "acme-mail",
    "acme-notes",
    "acme-slack",
  ]);
  assert.equal(
    (await registry.call("GET", "/api/v1/search?max_risk=extreme", undefined, null)).status,
    400,
  );

  // Downloads and ratings drive their sorts.
  const notes = await registry.call("GET", "/api/v1/plugins/acme-notes/index", undefined, null);
  const index = notes.body as { versions: Record<string, { url: string }> };
  for (let i = 0; i < 3; i++) await (await fetch(index.versions["1.0.0"]!.url)).body?.cancel();
  assert.equal((await ids("sort=downloads"))[0], "acme-notes");
  for (const [id, ratings] of [["acme-git", [5, 5, 4]], ["acme-gate", [5]]] as const) {
    for (const rating of ratings) {
      const inst = (await registry.call("POST", "/api/v1/installations", undefined, null)).body;
      const r = await registry.call(
        "PUT",
        `/api/v1/plugins/${id}/reviews/mine`,
        { rating },
        String(inst.token),
      );
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  }
  assert.deepEqual(
    (await ids("sort=rating")).slice(0, 2),
    ["acme-git", "acme-gate"],
    "three 4.7s beat one 5",
  );

  const page =
    (await registry.call("GET", "/api/v1/search?sort=name&limit=2&offset=2", undefined, null)).body;
  assert.equal(page.total, 5);
  assert.deepEqual((page.plugins as { id: string }[]).map((p) => p.id), [
    "acme-mail",
    "acme-notes",
  ]);

  const categories = (await registry.call("GET", "/api/v1/categories", undefined, null)).body;
  assert.deepEqual(categories.categories, [
    { name: "chat", count: 2 },
    { name: "deploy", count: 2 },
    { name: "docs", count: 1 },
  ]);

  await registry.call("POST", "/api/v1/admin/plugins/acme-notes/feature", { rank: 2 });
  await registry.call("POST", "/api/v1/admin/plugins/acme-gate/feature", { rank: 1 });
  const featured = (await registry.call("GET", "/api/v1/featured", undefined, null)).body;
  assert.deepEqual((featured.plugins as { id: string }[]).map((p) => p.id), [
    "acme-gate",
    "acme-notes",
  ]);

  assert.equal(
    (await registry.call("POST", "/api/v1/admin/plugins/acme-git/ban", { reason: "malware" }))
      .status,
    200,
  );
  assert.ok(!(await ids("q=git")).includes("acme-git"));
  const gone = await registry.call("GET", "/api/v1/plugins/acme-git/index", undefined, null);
  assert.equal(gone.status, 404);
  assert.match(String(gone.body.detail), /removed by the registry: malware/);

  // Flags reach the admin queue.
  const inst = (await registry.call("POST", "/api/v1/installations", undefined, null)).body;
  const flag = await registry.call("POST", "/api/v1/plugins/acme-mail/flags", {
    reason: "sends spam",
    version: "1.0.0",
  }, String(inst.token));
  assert.equal(flag.status, 201);
  const queue = (await registry.call("GET", "/api/v1/admin/queue")).body;
  assert.deepEqual(
    (queue.flags as { plugin_id: string; reason: string }[]).map((f) =>
      `${f.plugin_id}: ${f.reason}`
    ),
    ["acme-mail: sends spam"],
  );
  assert.equal(
    (await registry.call("POST", `/api/v1/admin/flags/${flag.body.id}/resolve`, {
      resolution: "no spam found",
    })).status,
    200,
  );
  assert.deepEqual((await registry.call("GET", "/api/v1/admin/queue")).body.flags, []);
});
