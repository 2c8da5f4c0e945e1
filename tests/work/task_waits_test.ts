/**
 * A task attempt never waits without a deadline: a call that meets its plugin's start (or stop)
 * waits at most the start's limit plus the hook's timeout, then the attempt ends as an error and
 * the task goes on per its retries.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { installAndEnable, type Json, OPTS, socketJson, waitFor, workFixture } from "./_work.ts";

Deno.test(
  "a task attempt waiting on a plugin start that never completes ends, and the task goes dead",
  OPTS,
  async () => {
    await using daemon = await startDaemon({ env: { PLUGD_TASK_RETRY_BASE_MS: "50" } });
    await installAndEnable(daemon, workFixture("hung-start"));
    const r = await socketJson(daemon, "POST", "/v1/tasks/work.hang_start", { input: {} });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    // The first attempt crashes the plugin; its restart then hangs in onEnable (for the 300 s of
    // its own call timeout). The retry's call waits for that start: unbounded, it stayed running.
    let task: Json = {};
    await waitFor(
      async () => {
        task = (await socketJson(daemon, "GET", `/v1/tasks/${r.body.id}`)).body;
        return task.status === "dead";
      },
      "the task to end dead",
      90_000,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}; task: ${JSON.stringify(task)}`);
    });
    assert.deepEqual(task.attempts.map((a: Json) => a.status), ["crashed", "error"]);
    assert.match(task.error, /gave up after 2 attempts/);
    assert.match(task.error, /could not take the call within \d+ ms \(it waited for its start\)/);
  },
);
