import assert from "node:assert/strict";
import { rssAnonBytes, rssBytes } from "./proc.ts";

Deno.test("rssAnonBytes() reads a live process's private anonymous pages, 0 once it is gone", async () => {
  // A buffer touched page by page is anonymous memory this process holds while it is read.
  const held = new Uint8Array(8 * 1024 * 1024).fill(1);
  const anon = await rssAnonBytes(Deno.pid);
  assert.ok(anon >= held.byteLength, `RssAnon ${anon} below the ${held.byteLength} bytes held`);
  assert.ok(await rssBytes(Deno.pid) > 0);
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.equal(await rssAnonBytes(child.pid), 0);
});
