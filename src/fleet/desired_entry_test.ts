import assert from "node:assert/strict";
import { readDesiredEntry, sealEntry } from "./desired_entry.ts";
import type { DesiredEntry } from "./types.ts";

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

async function entry(): Promise<DesiredEntry> {
  return await sealEntry({
    format: 1,
    id: "acme-web",
    range: "^1.0",
    version: "1.0.0",
    registry: "https://registry.example",
    grant: { net: ["api.example.com:443"] },
    config: {},
    secrets: {},
    hosts: null,
    rollout: null,
    plan: null,
    applied_at: "2026-11-30T00:00:00.000Z",
    applied_by: "admin",
  });
}

Deno.test("readDesiredEntry() accepts a sealed entry", async () => {
  const e = await entry();
  assert.deepEqual(await readDesiredEntry("desired.acme-web", enc(e)), e);
});

Deno.test("readDesiredEntry() refuses an edited, corrupted, misplaced or malformed entry", async () => {
  const e = await entry();
  await assert.rejects(
    readDesiredEntry("desired.acme-web", enc({ ...e, grant: { run: ["/bin/sh"] } })),
    /does not match its digest/,
  );
  await assert.rejects(
    readDesiredEntry("desired.acme-web", new Uint8Array([0x7b, 0xff])),
    /is not JSON/,
  );
  await assert.rejects(readDesiredEntry("desired.other", enc(e)), /does not match the key/);
  await assert.rejects(
    readDesiredEntry("desired.acme-web", enc({ ...e, version: "^1" })),
    /exact version/,
  );
});
