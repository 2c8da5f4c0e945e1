/**
 * At-least-once across a crash: kill -9 the real daemon in the middle of a burst of events and
 * prove, after a restart, that every event that got a 202 reached the subscribing plugin.
 */
import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { startDaemon } from "../helpers/daemon.ts";
import { installFixtures, OPTS, socketJson, waitFor } from "./_helpers.ts";

const TARGET = 1500;
const CLIENTS = 32;

Deno.test("kill -9 mid-burst: every accepted event is delivered after restart", OPTS, async () => {
  const first = await startDaemon();
  await installFixtures(first, ["hk-counter"]);
  const accepted = new Set<string>();
  let n = 0;
  let killed = false;
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path: first.socketPath } });
  const worker = async () => {
    while (!killed) {
      const id = `burst-${n++}`;
      try {
        const res = await fetch("http://plugd/v1/events", {
          method: "POST",
          client,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ specversion: "1.0", id, source: "/burst", type: "load.test" }),
        });
        await res.body?.cancel();
        if (res.status === 202) accepted.add(id);
      } catch {
        return; // the daemon is gone
      }
      if (accepted.size >= TARGET && !killed) {
        killed = true;
        first.process.kill("SIGKILL"); // requests are still in flight on other workers
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  await first.kill();
  client.close();
  assert.ok(accepted.size >= TARGET);

  // Evidence that the crash left work behind (informational: how much depends on timing).
  const db = createClient({ url: `file:${first.stateDir}/plugd.db` });
  const pending = await db.execute(
    "SELECT COUNT(*) AS n FROM event_deliveries WHERE status = 'pending'",
  );
  db.close();
  console.log(`accepted ${accepted.size}; pending at kill: ${pending.rows[0]?.n}`);

  await using second = await startDaemon({ stateDir: first.stateDir });
  const seen = await waitFor(
    async () => {
      const r = await socketJson(second, "GET", "/v1/plugins/hk-counter/routes/seen");
      const keys = new Set<string>((r.body.keys as string[]).map((k) => k.slice("seen:".length)));
      return [...accepted].every((id) => keys.has(id)) ? keys : null;
    },
    "every accepted event seen by hk-counter",
    120_000,
  );
  const missing = [...accepted].filter((id) => !seen.has(id));
  assert.deepEqual(missing, []);
  const stillPending = await waitFor(async () => {
    const r = await socketJson(second, "GET", `/v1/events/${[...accepted].at(-1)}`);
    return r.body.status === "completed" ? r.body : null;
  }, "last accepted event completed");
  assert.equal(stillPending.results[0].status, "ok");
});
