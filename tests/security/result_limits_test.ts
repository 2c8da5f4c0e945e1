/**
 * Gap: `POST /v1/events?wait=true` returned a plugin's 100,001-deep array verbatim (200 KB that
 * many JSON parsers fail on) while the stored copy was a marker. Every answer that carries plugin
 * output now applies the same depth and size limits: the waiting emitter and `GET /v1/events/{id}`
 * get the same marker naming the limit, and a filter's over-limit output is skipped, not handed on.
 */
import assert from "node:assert/strict";
import { startDaemon, type TestDaemon } from "../helpers/daemon.ts";
import { type Json, socketJson } from "../hooks/_helpers.ts";
import { MALICIOUS } from "./_host.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const ID = "result-bomb";

/** The deepest nesting of arrays/objects in JSON text (a parser's view, no recursion). */
function jsonDepth(text: string): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") max = Math.max(max, ++depth);
    else if (c === "]" || c === "}") depth--;
  }
  return max;
}

async function emitWait(daemon: TestDaemon, type: string): Promise<{ text: string; body: Json }> {
  const res = await daemon.fetchSocket("/v1/events?wait=true", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      specversion: "1.0",
      id: crypto.randomUUID(),
      source: "/test",
      type,
      data: {},
    }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 300));
  return { text, body: JSON.parse(text) };
}

Deno.test(
  "result limits: the wait path, the stored copy and filters bound plugin output",
  OPTS,
  async () => {
    await using daemon = await startDaemon();
    const installed = await socketJson(daemon, "POST", "/v1/plugins", {
      source: `${MALICIOUS}${ID}`,
    });
    assert.equal(installed.status, 201, JSON.stringify(installed.body));
    const view = await socketJson(daemon, "GET", `/v1/plugins/${ID}`);
    await socketJson(daemon, "POST", `/v1/plugins/${ID}/grant`, {
      permissions: view.body.permissions.requested,
    });
    const enabled = await socketJson(daemon, "POST", `/v1/plugins/${ID}/enable`);
    assert.equal(enabled.status, 200, JSON.stringify(enabled.body));

    const deep = await emitWait(daemon, "bomb.deep");
    assert.ok(jsonDepth(deep.text) < 10, `the answer is ${jsonDepth(deep.text)} levels deep`);
    const result = deep.body.results[0];
    assert.equal(result.status, "ok", deep.text.slice(0, 300));
    assert.deepEqual(result.result, { truncated: true, reason: "nested deeper than 64 levels" });
    const stored = await socketJson(daemon, "GET", `/v1/events/${deep.body.id}`);
    assert.deepEqual(stored.body.results[0].result, result.result, "stored copy = answer");

    const wide = await emitWait(daemon, "bomb.wide");
    assert.ok(wide.text.length < 4096, `answer of ${wide.text.length} bytes`);
    assert.equal(wide.body.results[0].result.truncated, true);
    assert.match(wide.body.results[0].result.reason, /bytes of JSON \(limit 65,536\)/);

    const filtered = await socketJson(daemon, "POST", "/v1/filters/bomb.deep", { data: { a: 1 } });
    assert.equal(filtered.status, 200, JSON.stringify(filtered.body));
    assert.deepEqual(filtered.body.data, { a: 1 }, "the caller's data, not the bomb");
    assert.deepEqual(filtered.body.applied, []);
    assert.match(filtered.body.skipped[0].reason, /invalid: output nested deeper than 64 levels/);

    // The plugin and the daemon go on.
    const fine = await emitWait(daemon, "bomb.fine");
    assert.deepEqual(fine.body.results[0].result, { ok: true });
  },
);
