/**
 * Staged rollouts across three real daemons: a new version whose canary fails its health check
 * halts the rollout (the canary rolls back by itself, the other hosts stay on the old version),
 * `plugd fleet rollout status|abort` see and steer it, and a good version then goes out wave by
 * wave to every host, obeying pause and resume.
 */
import assert from "node:assert/strict";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { type Json, startFleet, statusOf, waitForMembers, waitForStatus } from "./_fleet.ts";

const UNHEALTHY = 'import { definePlugin } from "@plugd/sdk";\n\nexport default definePlugin({\n' +
  '  actions: { "demo.ping": () => {} },\n' +
  '  health: () => ({ status: "unhealthy", message: "broken on purpose" }),\n});\n';

Deno.test("a rollout halts on a failed canary, which rolls back; the rest stay; a good version goes out in waves", async () => {
  await using fleet = await startFleet([
    { id: "h1", labels: {} },
    { id: "h2", labels: {} },
    { id: "h3", labels: {} },
  ]);
  const [h1, h2, h3] = fleet.hosts as [Json, Json, Json];
  await waitForMembers(fleet, ["h1", "h2", "h3"]);
  await fleet.publishPlugin({ id: "acme-roll", version: "1.0.0" });
  const spec = (version: string, pause_s = 0) => ({
    plugins: [{
      id: "acme-roll",
      version,
      registry: fleet.registry.url,
      rollout: { canary: 1, batch: 1, pause_s, halt_on: "failed" },
    }],
  });
  const first = await h1.call("POST", "/v1/fleet/apply", { document: spec("1.0.0") });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  for (const id of ["h1", "h2", "h3"]) {
    await waitForStatus(fleet, id, "acme-roll", "converged", "1.0.0");
  }

  // 1.1.0 answers its health check "unhealthy": the canary (h1) fails and rolls back.
  await fleet.publishPlugin({ id: "acme-roll", version: "1.1.0", main: UNHEALTHY });
  const bad = await runPlugd([
    "fleet",
    "apply",
    await fleet.writeFleetFile(spec("1.1.0")),
    "--socket",
    h2.daemon.socketPath,
  ]);
  assert.equal(bad.code, 0, bad.stderr);
  assert.match(bad.stdout, /~ acme-roll 1\.0\.0 -> 1\.1\.0 in 3 wave\(s\)/);
  assert.match(bad.stdout, /h1: update 1\.0\.0 -> 1\.1\.0 \(wave 1, canary\)/);
  const failed = await waitForStatus(fleet, "h1", "acme-roll", "failed");
  assert.equal(failed.version, "1.0.0", "the canary runs the old version again");
  assert.match(failed.reason, /failed to start.*unhealthy.*version 1\.0\.0 was restored/s);
  const onCanary = await h1.call("GET", "/v1/plugins/acme-roll");
  assert.equal(onCanary.body.version, "1.0.0");
  assert.equal(onCanary.body.state, "enabled");
  for (const id of ["h2", "h3"]) {
    // First "waiting for wave 1 (h1)", then, once the host saw h1 fail, "rollout halted".
    const s = await waitFor(
      async () => {
        const s = await statusOf(h3, id, "acme-roll");
        return s?.state === "waiting" && /rollout halted/.test(s.reason) ? s : null;
      },
      `${id} waiting on the halted rollout`,
      90_000,
    );
    assert.match(s.reason, /rollout halted: h1 failed on 1\.1\.0/);
    assert.equal(s.version, "1.0.0");
  }
  for (const host of [h2, h3]) {
    assert.equal((await host.call("GET", "/v1/plugins/acme-roll")).body.version, "1.0.0");
  }
  const view = await runPlugd([
    "fleet",
    "rollout",
    "status",
    "acme-roll",
    "--socket",
    h3.daemon.socketPath,
  ]);
  assert.equal(view.code, 0, view.stderr);
  assert.match(view.stdout, /acme-roll: 1\.0\.0 -> 1\.1\.0 halted, wave 1 of 3/);
  assert.match(view.stdout, /1\s+h1\s+failed/);

  // Abort: the rollout is over; every host holds 1.0.0.
  const abort = await runPlugd([
    "fleet",
    "rollout",
    "abort",
    "acme-roll",
    "--socket",
    h1.daemon.socketPath,
  ]);
  assert.equal(abort.code, 0, abort.stderr);
  assert.match(abort.stdout, /aborted/);
  for (const id of ["h1", "h2", "h3"]) {
    await waitForStatus(fleet, id, "acme-roll", "waiting", "1.0.0");
  }
  const again = await runPlugd([
    "fleet",
    "rollout",
    "pause",
    "acme-roll",
    "--socket",
    h1.daemon.socketPath,
  ]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /is aborted; nothing to pause/);

  // A good version: the canary takes it, the next wave waits out the pause; pause and resume
  // are obeyed; a shorter pause applied mid-rollout lets it finish.
  await fleet.publishPlugin({ id: "acme-roll", version: "1.2.0" });
  const good = await h3.call("POST", "/v1/fleet/apply", { document: spec("1.2.0", 3600) });
  assert.equal(good.status, 200, JSON.stringify(good.body));
  assert.deepEqual(good.body.plugins[0].rollout.waves, [["h1"], ["h2"], ["h3"]]);
  await waitForStatus(fleet, "h1", "acme-roll", "converged", "1.2.0");
  const reason = async (id: string, pattern: RegExp) =>
    await waitFor(
      async () => {
        const s = await statusOf(h1, id, "acme-roll");
        return s?.state === "waiting" && pattern.test(s.reason) ? s : null;
      },
      `${id} waiting (${pattern})`,
      90_000,
    );
  assert.equal((await reason("h2", /pause of 3600s after wave 1/)).version, "1.0.0");
  const paused = await h2.call("POST", "/v1/fleet/rollouts/acme-roll/pause");
  assert.equal(paused.status, 200, JSON.stringify(paused.body));
  assert.equal(paused.body.state, "paused");
  await reason("h2", /rollout paused by/);
  const resumed = await h2.call("POST", "/v1/fleet/rollouts/acme-roll/resume");
  assert.equal(resumed.body.state, "running");
  await reason("h2", /pause of 3600s/);
  const shorter = await h3.call("POST", "/v1/fleet/apply", { document: spec("1.2.0", 0) });
  assert.equal(shorter.status, 200, JSON.stringify(shorter.body));
  for (const id of ["h2", "h3"]) await waitForStatus(fleet, id, "acme-roll", "converged", "1.2.0");
  const done = await h2.call("GET", "/v1/fleet/rollouts/acme-roll");
  assert.equal(done.body.state, "complete");
});
