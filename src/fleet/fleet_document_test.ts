import assert from "node:assert/strict";
import { FleetDocumentError, parseFleetDocument } from "./fleet_document.ts";

const base = { id: "slack-notify", version: "^1.2", registry: "https://registry.example" };

Deno.test("parseFleetDocument() reads a plugin with defaults filled in", () => {
  const [spec] = parseFleetDocument({
    plugins: [{ ...base, rollout: { canary: 2 }, secrets: { url: { from: "env", name: "URL" } } }],
  });
  assert.equal(spec!.id, "slack-notify");
  assert.deepEqual(spec!.grant, {});
  assert.deepEqual(spec!.rollout, { canary: 2, batch: "25%", pause_s: 30, halt_on: "failed" });
  assert.deepEqual(spec!.secrets, { url: { from: "env", name: "URL" } });
  assert.equal(spec!.hosts, null);
});

Deno.test("parseFleetDocument() reports every problem with its place", () => {
  let error: unknown;
  try {
    parseFleetDocument({
      plugins: [
        { ...base, version: "not a range", extra: 1 },
        { ...base, registry: "ftp://x", secrets: { token: "plain-text" } },
        { ...base, rollout: { batch: "0%", halt_on: "maybe" }, hosts: { labels: [1] } },
      ],
      other: true,
    });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof FleetDocumentError);
  const fields = (error as FleetDocumentError).problems.map((p) => p.field);
  for (
    const f of [
      "other",
      "plugins[0].version",
      "plugins[0].extra",
      "plugins[1].registry",
      "plugins[1].secrets.token",
      "plugins[2].rollout.batch",
      "plugins[2].rollout.halt_on",
      "plugins[2].hosts.labels",
    ]
  ) assert.ok(fields.includes(f), `${f} in ${fields.join(", ")}`);
});

Deno.test("parseFleetDocument() refuses a plugin declared twice", () => {
  assert.throws(() => parseFleetDocument({ plugins: [base, base] }), /declared twice/);
});
