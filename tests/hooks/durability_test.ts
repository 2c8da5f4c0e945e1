/**
 * At-least-once across a crash: kill -9 the real daemon in the middle of a burst of events and
 * prove, after a restart, that every event that got a 202 reached the subscribing plugin.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { installFixtures, OPTS, socketJson, waitFor } from "./_helpers.ts";

const BURST = new URL("./_burst.ts", import.meta.url).pathname;

Deno.test("kill -9 mid-burst: every accepted event is delivered after restart", OPTS, async () => {
  // 32 clients: group commits big enough for the store's writer thread.
  await killMidBurst(32, 1500);
});

Deno.test(
  "kill -9 mid-stream of few emitters: every accepted event is delivered after restart",
  OPTS,
  async () => {
    // 2 clients: commits of one or two events, made on the daemon's thread with the log synced.
    await killMidBurst(2, 300);
  },
);

async function killMidBurst(clients: number, target: number): Promise<void> {
  let killedOnce = false;
  const first = await startDaemon();
  await installFixtures(first, ["hk-counter"]);
  // The clients run in a child process: requests cut off by the kill stay out of this process.
  const burst = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", BURST, first.socketPath, String(clients)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const accepted = new Set<string>();
  let rest = "";
  for await (const chunk of burst.stdout.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + chunk).split("\n");
    rest = lines.pop()!;
    for (const line of lines) accepted.add(line);
    if (accepted.size >= target && !killedOnce) {
      killedOnce = true;
      first.process.kill("SIGKILL"); // more requests are in flight
      // Requests cut off by the kill are not accepted; their clients can go at once. The burst
      // may have ended already: it stops once every client saw the daemon go.
      first.process.status.then(() => {
        try {
          burst.kill("SIGKILL");
        } catch (error) {
          if (!/already terminated/.test((error as Error).message)) throw error;
        }
      });
    }
  }
  await burst.status;
  await first.kill();
  assert.ok(accepted.size >= target);

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
  // Evidence that the crash left work behind (how much depends on timing, so only logged).
  console.log(`accepted ${accepted.size}; ${/redelivering \d+ pending/.exec(second.log())?.[0]}`);
  const missing = [...accepted].filter((id) => !seen.has(id));
  assert.deepEqual(missing, []);
  const last = await waitFor(async () => {
    const r = await socketJson(second, "GET", `/v1/events/${[...accepted].at(-1)}`);
    return r.body.status === "completed" ? r.body : null;
  }, "last accepted event completed");
  assert.equal(last.results[0].status, "ok");
}
