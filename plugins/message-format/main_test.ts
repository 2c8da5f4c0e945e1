import assert from "node:assert/strict";
import { startPlugin } from "@plugd/sdk/testing";

const dir = new URL(".", import.meta.url).pathname;

Deno.test("message-format prefixes, adds the level icon, collapses space and truncates", async () => {
  await using f = await startPlugin(dir, { config: { max_length: 30 } });
  assert.deepEqual(
    await f.filter("notification.format", { text: "web   deployed", level: "warning", id: 7 }),
    { text: "[plugd] ⚠️ web deployed", level: "warning", id: 7 },
  );
  const long = await f.filter("notification.format", { text: "x".repeat(100) }) as { text: string };
  assert.equal(long.text.length, 30);
  assert.ok(long.text.endsWith("…"));
  await assert.rejects(f.filter("notification.format", { nope: 1 }), /data\.text must be a string/);
});
