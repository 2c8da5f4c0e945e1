/**
 * Which plugin processes a task type follows the plugin's lifecycle at once: a task posted right
 * after a disable or an uninstall is refused, one posted right after an enable is accepted.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { installAndEnable, type Json, OPTS, socketJson, waitFor, workFixture } from "./_work.ts";

const ENV = { PLUGD_TASK_RETRY_BASE_MS: "50" };

Deno.test(
  "a task posted right after its processor's disable, enable or uninstall gets that answer",
  OPTS,
  async () => {
    await using daemon = await startDaemon({ env: ENV });
    await installAndEnable(daemon, workFixture("tasker"));
    const post = (type: string, input: Json = {}) =>
      socketJson(daemon, "POST", `/v1/tasks/${type}`, { input });
    const lifecycle = async (action: string) => {
      const r = await socketJson(daemon, "POST", `/v1/plugins/tasker/${action}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    for (let round = 1; round <= 6; round++) {
      // Attempts in flight when the plugin stops end (cut by the stop) and their lane claims
      // again: that claim looks the processors up while the plugin is stopped and not yet stored
      // disabled, which is what left the disabled plugin as the type's processor.
      const slow: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await post("work.slow", { ms: 60_000 });
        assert.equal(r.status, 202, `round ${round}: ${JSON.stringify(r.body)}`);
        slow.push(r.body.id);
      }
      await waitFor(async () => {
        const views = await Promise.all(
          slow.map(async (id) => (await socketJson(daemon, "GET", `/v1/tasks/${id}`)).body),
        );
        return views.filter((v) => v.status === "running").length === 2;
      }, `round ${round}: two slow tasks running`);
      await lifecycle("disable");
      for (const type of ["work.slow", "work.echo"]) {
        const refused = await post(type);
        assert.equal(
          refused.status,
          404,
          `round ${round}, ${type}: ${JSON.stringify(refused.body)}`,
        );
        assert.match(refused.body.detail, /No enabled plugin processes task type/);
      }
      await lifecycle("enable");
      const accepted = await post("work.echo", { n: round });
      assert.equal(accepted.status, 202, `round ${round}: ${JSON.stringify(accepted.body)}`);
      const done = await socketJson(daemon, "GET", `/v1/tasks/${accepted.body.id}?wait=30`);
      assert.equal(done.body.status, "succeeded", JSON.stringify(done.body));
      for (const id of slow) {
        const r = await socketJson(daemon, "POST", `/v1/tasks/${id}/cancel`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
    }
    const r = await post("work.slow", { ms: 60_000 });
    assert.equal(r.status, 202);
    await waitFor(
      async () =>
        (await socketJson(daemon, "GET", `/v1/tasks/${r.body.id}`)).body.status ===
          "running",
      "a slow task running",
    );
    const removed = await socketJson(daemon, "DELETE", "/v1/plugins/tasker");
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const gone = await post("work.echo");
    assert.equal(gone.status, 404, JSON.stringify(gone.body));
  },
);
