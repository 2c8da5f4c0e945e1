/** Operations run as jobs, one per addon at a time, with execution records and status transitions. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { addonOf, ADDONS, call, finished, installAddon, runOp, waitLong } from "./_addons.ts";

Deno.test("an operation answers 202 with a job, runs once at a time and leaves a full record", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const id = await installAddon(d, `${ADDONS}slow`);
  assert.equal((await addonOf(d, id)).status, "not_installed");

  const started = await d.fetch(`/v1/plugins/${id}/operations/install`, { method: "POST" });
  assert.equal(started.status, 202);
  const job = await started.json();
  assert.equal(started.headers.get("location"), `/v1/jobs/${job.id}`);
  assert.equal(job.kind, "plugin.operation");
  assert.equal(job.execution.status, "running");
  assert.equal(job.execution.status_before, "not_installed");

  // While it runs: the addon shows installing and the operation; a second one is refused.
  const during = await waitLong(async () => {
    const a = await addonOf(d, id);
    return a.running ? a : null;
  }, "the running operation in the view");
  assert.equal(during.status, "installing");
  assert.equal(during.running.operation, "install");
  const second = await call(d, "POST", `/v1/plugins/${id}/operations/status`);
  assert.equal(second.status, 409);
  assert.match(second.body.detail, /already running install/);
  const disable = await call(d, "POST", `/v1/plugins/${id}/disable`);
  assert.equal(disable.status, 409, "no disabling under a running operation");

  await Deno.writeTextFile(`${d.stateDir}/data/${id}/go`, "");
  const record = await finished(d, id, job.execution.id);
  assert.equal(record.status, "succeeded");
  assert.equal(record.exit_code, 0);
  assert.equal(record.name, "install");
  assert.equal(record.kind, "operation");
  assert.match(record.actor, /^token:/);
  assert.equal(record.status_after, "installed");
  assert.ok(record.duration_ms >= 0);
  assert.match(record.stdout, /install waiting \(token unset\)\ninstall done\n/);
  const doneJob = await waitLong(async () => {
    const j = await call(d, "GET", `/v1/jobs/${job.id}`);
    return j.body.state !== "running" ? j.body : null;
  }, "the job to settle");
  assert.equal(doneJob.state, "succeeded");
  assert.equal(doneJob.result.id, job.execution.id);
  assert.equal((await addonOf(d, id)).status, "installed");

  const list = await call(d, "GET", `/v1/plugins/${id}/executions?kind=operation`);
  // Newest first: install's pre-flight validation started after the install's record.
  assert.deepEqual(list.body.executions.map((r: { name: string }) => r.name), [
    "validate",
    "install",
  ]);
  assert.equal(list.body.executions[1].stdout, "", "lists carry no output");
  const audit = await call(d, "GET", `/v1/audit?action=plugin.operation&target=${id}`);
  const results = audit.body.rows.map((e: { result: string }) => e.result);
  assert.ok(results.includes("started") && results.includes("succeeded"), results.join());
});

Deno.test("the next operation may start once an operation's record is final, while the status check after it runs", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const id = await installAddon(d, `${ADDONS}slow`);
  const data = `${d.stateDir}/data/${id}`;
  // The status check that follows a successful install holds until the test removes this file.
  await Deno.writeTextFile(`${data}/hold-status`, "");
  await Deno.writeTextFile(`${data}/go`, "");
  try {
    const install = await runOp(d, id, "install");
    assert.equal(install.status, "succeeded");
    const statusChecks = async () =>
      (await call(d, "GET", `/v1/plugins/${id}/executions?kind=check&limit=20`)).body.executions
        .filter((r: { name: string; started_at: string }) =>
          r.name === "status" && r.started_at >= install.finished_at
        );
    const held = await waitLong(async () => {
      const running = (await statusChecks()).find((r: { status: string }) =>
        r.status === "running"
      );
      return running ?? null;
    }, "the status check after the install");
    assert.equal((await addonOf(d, id)).running, null, "no operation holds the addon");
    // A caller that waited for the install goes on at once (it got 409 while the check ran).
    const configure = await runOp(d, id, "configure");
    assert.equal(configure.status, "succeeded");
    const gaveWay = (await statusChecks()).find((r: { id: string }) => r.id === held.id);
    assert.equal(gaveWay.status, "interrupted", "the check gave way to the operation");
  } finally {
    await Deno.remove(`${data}/hold-status`).catch(() => {});
  }
});

Deno.test("a failing operation and a timeout are recorded; the job fails with the reason", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const id = await installAddon(d, `${ADDONS}slow`);
  const timeout = await runOp(d, id, "backup");
  assert.equal(timeout.status, "timeout");
  assert.match(timeout.error, /did not finish within 1 s .*operations\.backup\.timeout_s/);
  assert.match(timeout.stdout, /backing up/);
  assert.equal(timeout.status_after, "not_installed", "backup changes no status");

  const basic = await installAddon(d, `${ADDONS}basic`);
  const job = await call(d, "POST", `/v1/plugins/${basic}/operations/backup`);
  const failed = await finished(d, basic, job.body.execution.id);
  assert.equal(failed.status, "failed");
  assert.equal(failed.exit_code, 3);
  assert.match(failed.error, /addon_backup exited with 3/);
  const settled = await waitLong(async () => {
    const j = await call(d, "GET", `/v1/jobs/${job.body.id}`);
    return j.body.state !== "running" ? j.body : null;
  }, "the job to fail");
  assert.equal(settled.state, "failed");
  assert.equal(settled.error.status, 502);

  const unknown = await call(d, "POST", `/v1/plugins/${basic}/operations/dance`);
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.detail, /Unknown operation "dance"/);
  const missing = await call(d, "POST", `/v1/plugins/${basic}/operations/restore`);
  assert.equal(missing.status, 409);
  assert.match(missing.body.detail, /does not implement addon_restore/);
  const badArgs = await call(d, "POST", `/v1/plugins/${basic}/operations/status`, { args: [1] });
  assert.equal(badArgs.status, 400);
});

Deno.test("plugd plugin op --wait streams output and progress; remove waits for uninstall", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const id = await installAddon(d, `${ADDONS}basic`);
  const socket = ["--socket", d.socketPath];
  const install = await runPlugd(["plugin", "op", id, "install", "--wait", ...socket]);
  assert.equal(install.code, 0, install.stderr);
  assert.match(install.stdout, /greeting=hello/);
  assert.match(install.stdout, /line 3\n/);
  assert.match(install.stderr, /\[ 20%\] preparing/);
  assert.match(install.stderr, /to stderr/);
  assert.match(install.stdout, /install succeeded in .*; addon status: installed/);

  const list = await runPlugd(["plugin", "list", ...socket]);
  assert.match(list.stdout, new RegExp(`${id}\\s+1\\.0\\.0\\s+enabled\\s+installed/healthy`));
  const refused = await call(d, "DELETE", `/v1/plugins/${id}`);
  assert.equal(refused.status, 409);
  assert.match(refused.body.detail, /still installed .*plugd plugin op basic-addon uninstall/);

  const uninstall = await runPlugd(["plugin", "op", id, "uninstall", "false", "--wait", ...socket]);
  assert.equal(uninstall.code, 0, uninstall.stderr);
  assert.match(uninstall.stdout, /uninstalled keep_data=false/);
  const failed = await runPlugd(["plugin", "op", id, "backup", "--wait", ...socket]);
  assert.equal(failed.code, 1);
  assert.match(failed.stdout, /backup failed/);
  const history = await runPlugd(["plugin", "executions", id, ...socket]);
  assert.match(history.stdout, /backup\s+operation\s+failed\s+3/);
  assert.equal((await call(d, "DELETE", `/v1/plugins/${id}`)).status, 200);
});
