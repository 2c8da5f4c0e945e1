import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;
const json = (body: unknown) => ({
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

Deno.test("notes: migrations applied, notes stored, found by full-text search, deleted", async () => {
  await using plugin = await startPlugin(dir);
  const applied = await plugin.db.execute("SELECT version FROM _plugd_migrations ORDER BY 1");
  assert.deepEqual(applied.rows.map((r) => r.version), [1, 2]);

  const first = await plugin.route(
    "POST",
    "/notes",
    json({
      title: "Deploy checklist",
      body: "Rotate the signing keys before the release",
      tags: ["ops"],
    }),
  );
  assert.equal(first.status, 201);
  const { id } = await first.json();
  await plugin.emit("note.add", { title: "Lunch", body: "Noodles with the release team" });

  const hits = await (await plugin.route("GET", "/search?q=release")).json();
  assert.equal(hits.results.length, 2);
  const keys = await (await plugin.route("GET", "/search?q=signing%20keys")).json();
  assert.deepEqual(keys.results.map((r: { id: number }) => r.id), [id]);
  assert.match(keys.results[0].snippet, /\[signing\] \[keys\]/);

  const note = await (await plugin.route("GET", `/notes/${id}`)).json();
  assert.equal(note.tags, "ops");
  assert.equal((await plugin.route("DELETE", `/notes/${id}`)).status, 204);
  assert.equal((await plugin.route("GET", `/notes/${id}`)).status, 404);
  const after = await (await plugin.route("GET", "/search?q=signing")).json();
  assert.deepEqual(after.results, [], "the index follows deletes");
});
