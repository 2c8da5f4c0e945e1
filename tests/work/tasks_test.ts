/**
 * Tasks end to end with a real sandboxed processor: progress, result, idempotency, retries to
 * dead, a permanent failure, cancel while queued and while running, listing, the one-processor
 * rule, execution records and the CLI.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import {
  allExecutions,
  installAndEnable,
  type Json,
  OPTS,
  socketJson,
  waitFor,
  workFixture,
} from "./_work.ts";

const ENV = { PLUGD_TASK_RETRY_BASE_MS: "50" };

Deno.test(
  "a task's life: progress, result, idempotency, retries, dead, failed, cancel, list",
  OPTS,
  async () => {
    await using daemon = await startDaemon({ env: ENV });
    await installAndEnable(daemon, workFixture("tasker"));
    const submit = (type: string, body: Json, query = "") =>
      socketJson(daemon, "POST", `/v1/tasks/${type}${query}`, body);
    const get = async (id: string | undefined, wait = 0) =>
      (await socketJson(daemon, "GET", `/v1/tasks/${id}?wait=${wait}`)).body;

    // Progress while running, then the result.
    const accepted = await submit("work.echo", { input: { steps: 5, step_ms: 300 } });
    assert.equal(accepted.status, 202);
    const id = accepted.body.id;
    await waitFor(async () => {
      const t = await get(id);
      return t.status === "running" && t.progress?.fraction > 0 && t.progress.fraction < 1;
    }, "progress while running");
    const done = await get(id, 30);
    assert.equal(done.status, "succeeded");
    assert.deepEqual(done.result, { echo: { steps: 5, step_ms: 300 }, attempt: 1 });
    assert.deepEqual(done.progress, { fraction: 1, message: "step 5 of 5" });
    assert.deepEqual(done.attempts.map((a: Json) => a.status), ["ok"]);
    assert.equal(done.plugin, "tasker");
    assert.ok(done.started_at && done.finished_at);

    // Synchronous callers; idempotency keys answer the first task.
    const sync = await submit("work.echo", { input: { n: 1 }, idempotency_key: "k-1" }, "?wait=30");
    assert.equal(sync.status, 200);
    assert.equal(sync.body.status, "succeeded");
    const again = await submit("work.echo", { input: { n: 2 }, idempotency_key: "k-1" });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { id: sync.body.id, duplicate: true });

    // Retries with backoff, then dead; flaky succeeds on its third try; a refusal fails at once.
    const dead = (await submit("work.echo", { input: { fail: true } })).body.id;
    const flaky = (await submit("work.echo", { input: { flaky_until: 3 } })).body.id;
    const refused = (await submit("work.echo", { input: { refuse: true } })).body.id;
    const deadView = await get(dead, 60);
    assert.equal(deadView.status, "dead");
    assert.deepEqual(deadView.attempts.map((a: Json) => a.status), ["error", "error", "error"]);
    assert.match(
      deadView.error,
      /gave up after 3 attempts \(retries: 2\); last: .*attempt 3 failed/,
    );
    const flakyView = await get(flaky, 60);
    assert.equal(flakyView.status, "succeeded");
    assert.deepEqual(flakyView.attempts.map((a: Json) => a.status), ["error", "error", "ok"]);
    const refusedView = await get(refused, 30);
    assert.equal(refusedView.status, "failed");
    assert.equal(refusedView.attempts.length, 1);
    assert.match(refusedView.error, /can never work/);

    // Cancel: work.slow runs 2 at once, so the third waits in the queue.
    const slow: string[] = [];
    for (let i = 0; i < 3; i++) {
      slow.push(
        (await submit("work.slow", { input: { ms: 60_000 } })).body.id,
      );
    }
    await waitFor(
      async () =>
        (await get(slow[0])).status === "running" && (await get(slow[1])).status === "running",
      "two running",
    );
    assert.equal((await get(slow[2])).status, "queued");
    const cancelQueued = await socketJson(daemon, "POST", `/v1/tasks/${slow[2]}/cancel`);
    assert.equal(cancelQueued.body.status, "cancelled");
    assert.deepEqual(cancelQueued.body.attempts, []);
    // Queued tasks are claimed by priority, then age, and a cancelled one never is: a freed slot
    // takes `hi` (submitted last, higher priority), the next one `lo`, not the cancelled slow[2].
    const lo = (await submit("work.slow", { input: { ms: 60_000 } })).body.id;
    const hi = (await submit("work.slow", { input: { ms: 60_000 }, priority: 5 })).body.id;
    const cancelRunning = await socketJson(daemon, "POST", `/v1/tasks/${slow[0]}/cancel`);
    assert.equal(cancelRunning.body.status, "cancelled");
    assert.deepEqual(cancelRunning.body.attempts.map((a: Json) => a.status), ["cancelled"]);
    await waitFor(async () => (await get(hi)).status === "running", "the higher priority first");
    assert.equal((await get(lo)).status, "queued");
    assert.equal(
      (await socketJson(daemon, "POST", `/v1/tasks/${slow[1]}/cancel`)).body.status,
      "cancelled",
    );
    await waitFor(async () => (await get(lo)).status === "running", "then the older one");
    const never = await get(slow[2]);
    assert.equal(never.status, "cancelled");
    assert.deepEqual(never.attempts, []);
    for (const t of [hi, lo]) {
      assert.equal((await socketJson(daemon, "POST", `/v1/tasks/${t}/cancel`)).status, 200);
    }
    const late = await socketJson(daemon, "POST", `/v1/tasks/${slow[0]}/cancel`);
    assert.equal(late.status, 409);

    // Listing and filters; refusals.
    const deadList = await socketJson(daemon, "GET", "/v1/tasks?type=work.echo&status=dead");
    assert.deepEqual(deadList.body.tasks.map((t: Json) => t.id), [dead]);
    const page = await socketJson(daemon, "GET", "/v1/tasks?limit=2");
    assert.equal(page.body.tasks.length, 2);
    const rest = await socketJson(daemon, "GET", `/v1/tasks?limit=500&cursor=${page.body.next}`);
    assert.equal(page.body.tasks.length + rest.body.tasks.length, 10);
    assert.equal((await submit("nobody.here", { input: 1 })).status, 404);
    assert.equal((await submit("work.echo", { priority: 1000 })).status, 400);
    assert.equal((await submit("work.echo", { inputs: 1 })).status, 400);
    assert.equal((await socketJson(daemon, "GET", "/v1/tasks/nope")).status, 404);

    // Each attempt left an execution record; a second processor of the same type is refused.
    await waitFor(
      async () => (await allExecutions(daemon, `task=${flaky}`)).length === 3,
      "3 records",
    );
    const records = await allExecutions(daemon, `task=${flaky}`);
    assert.deepEqual(records.map((r) => r.kind), ["task", "task", "task"]);
    const two = await socketJson(daemon, "POST", "/v1/plugins", {
      source: workFixture("tasker-two"),
    });
    assert.equal(two.status, 201);
    await socketJson(daemon, "POST", "/v1/plugins/tasker-two/grant", { permissions: {} });
    const conflict = await socketJson(daemon, "POST", "/v1/plugins/tasker-two/enable");
    assert.equal(conflict.status, 409);
    assert.match(
      conflict.body.detail,
      /task type "work.echo" is processed by enabled plugin "tasker"/,
    );

    // The CLI: run and wait with progress, exit code from the outcome.
    const env = { PLUGD_SOCKET: daemon.socketPath };
    const input = await Deno.makeTempFile({ suffix: ".json" });
    await Deno.writeTextFile(input, JSON.stringify({ steps: 3, step_ms: 100 }));
    const run = await runPlugd(["task", "run", "work.echo", "--input", `@${input}`, "--wait"], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /\[#+\] 100% step 3 of 3/);
    assert.match(run.stdout, /succeeded/);
    const fail = await runPlugd([
      "task",
      "run",
      "work.echo",
      "--input",
      '{"refuse":true}',
      "--wait",
    ], env);
    assert.equal(fail.code, 1);
    assert.match(fail.stdout, /failed/);
    await Deno.remove(input);
  },
);

Deno.test(
  "kill -9 mid-task: every accepted task ends, none lost, none run after it succeeded",
  OPTS,
  async () => {
    const first = await startDaemon({ env: ENV });
    await installAndEnable(first, workFixture("tasker"));
    const ids: string[] = [];
    // Two short tasks succeed first; the long ones are still running when the daemon is killed
    // (with equal 1.5 s tasks, under load they could all end between the poll and the kill).
    for (let i = 0; i < 6; i++) {
      const ms = i < 2 ? 300 : 5000;
      const r = await socketJson(first, "POST", "/v1/tasks/work.slow", { input: { ms } });
      assert.equal(r.status, 202);
      ids.push(r.body.id);
    }
    const statuses = async (d: typeof first) =>
      await Promise.all(
        ids.map(async (id) => (await socketJson(d, "GET", `/v1/tasks/${id}`)).body.status),
      );
    // A long task must be running, not just the second short one: that one may succeed before
    // the kill lands and before the claim of the next task is committed, and then no task was
    // running at the crash (the failures of this test in issue 23's tenth round, on main too).
    await waitFor(
      async () => {
        const s = await statuses(first);
        return s.slice(0, 2).includes("succeeded") && s.slice(2).includes("running");
      },
      "a short task done and a long one running",
      60_000,
    );
    const before = await statuses(first);
    await first.kill();
    const killedAt = Date.now();

    await using second = await startDaemon({ stateDir: first.stateDir, env: ENV });
    const upAt = Date.now();
    const views = async () =>
      await Promise.all(
        ids.map(async (id) => (await socketJson(second, "GET", `/v1/tasks/${id}`)).body),
      );
    // A failure says what each task went through (a run once failed here without its reason).
    // With each task's claim time and the plugin's own log: a task once stayed running with no
    // attempt ended, and its call's whereabouts were not known (issue 23, twelfth round).
    const story = async () =>
      `killed at ${new Date(killedAt).toISOString()}, up again at ${
        new Date(upAt).toISOString()
      }, gave up at ${new Date().toISOString()}; before the kill: ${before.join(", ")}; ` +
      `after: ${
        JSON.stringify(
          (await views()).map((v) => ({
            status: v.status,
            started_at: v.started_at,
            attempts: v.attempts,
          })),
        )
      }; plugin log: ${
        JSON.stringify(
          (await socketJson(second, "GET", "/v1/plugins/tasker/logs")).body.lines?.slice(-40),
        )
      }; daemon log: ${second.log().slice(-2000)}`;
    await waitFor(
      async () => (await statuses(second)).every((s) => s === "succeeded"),
      "every task to succeed",
      90_000,
    ).catch(async (error) => {
      throw new Error(`${(error as Error).message}; ${await story()}`);
    });
    const ended = await views();
    const interrupted = ended.filter((v) =>
      v.attempts.some((a: Json) => a.status === "interrupted")
    );
    assert.ok(interrupted.length >= 1, `a task running at the crash was retried; ${await story()}`);
    for (const v of interrupted) assert.equal(v.attempts.at(-1).status, "ok", await story());
    // Tasks done before the crash ran no more after it.
    const doneBefore = ids.filter((_, i) => before[i] === "succeeded");
    for (const id of doneBefore) {
      const records = await allExecutions(second, `task=${id}`);
      assert.ok(
        records.every((r) => Date.parse(r.started_at) < killedAt),
        `${id} ran again: records started ${records.map((r) => r.started_at).join(", ")}, ` +
          `killed at ${new Date(killedAt).toISOString()}`,
      );
    }
  },
);

Deno.test(
  "a task whose handler never answers times out per its hook, is retried, then dead",
  OPTS,
  async () => {
    await using daemon = await startDaemon({ env: ENV });
    await installAndEnable(daemon, workFixture("stuck-tasker"));
    const r = await socketJson(daemon, "POST", "/v1/tasks/work.stuck", { input: {} });
    assert.equal(r.status, 202);
    // Each attempt's call is ended by its timeout alone (the process is killed, then started
    // again for the retry): a call that neither answers nor times out would leave it running.
    let task: Json = {};
    await waitFor(async () => {
      task = (await socketJson(daemon, "GET", `/v1/tasks/${r.body.id}`)).body;
      return task.status === "dead";
    }, "the stuck task to end dead");
    assert.deepEqual(task.attempts.map((a: Json) => a.status), ["timeout", "timeout"]);
    assert.match(task.error, /gave up after 2 attempts/);
  },
);
