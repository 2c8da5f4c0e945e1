/**
 * scripts/plugd.service runs: the daemon is started exactly as the unit says (its ExecStart=,
 * Environment=, User= via setpriv, NoNewPrivileges=, UMask=) from a real install.sh install, on
 * a temp state dir, and serves a signed plugin end to end. systemd_boot_test.ts boots the same
 * unit under a real systemd where one can run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { canInstall, installedRoot } from "../helpers/install_root.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { startUnitDaemon } from "../helpers/run_unit.ts";
import { readRepoUnit, serviceValue, UNIT_PATH } from "../helpers/systemd_unit.ts";
import { waitFor } from "../helpers/wait_for.ts";

const HELLO = new URL("../../plugins/hello", import.meta.url).pathname;

/**
 * A signed package of plugins/hello and its public key, in a folder only root can read (like an
 * operator's home): the CLI uploads the package, the daemon never needs the client's files.
 */
async function signedHello(): Promise<{ tgz: string; pub: string }> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-pkg-" });
  await Deno.chmod(dir, 0o700);
  const gen = await runPlugd(["key", "generate", "--out", dir, "--json"]);
  assert.equal(gen.code, 0, gen.stderr);
  const { private_key: key, public_key: pub } = JSON.parse(gen.stdout);
  const packed = await runPlugd(["plugin", "pack", HELLO, "--sign", key, "--out", dir, "--json"]);
  assert.equal(packed.code, 0, packed.stderr);
  return { tgz: JSON.parse(packed.stdout).path, pub };
}

Deno.test({
  name:
    "plugd.service as written: boots as its user with no-new-privs, notifies READY, serves a signed plugin, reloads on SIGHUP, refuses a second daemon, stops on SIGTERM",
  ignore: !canInstall(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const unit = await readRepoUnit();
    assert.equal(serviceValue(unit, "Type"), "notify");
    const root = await installedRoot();
    assert.equal(
      await Deno.readTextFile(join(root, "etc/systemd/system/plugd.service")),
      await Deno.readTextFile(UNIT_PATH),
      "install.sh installs the unit as committed",
    );
    // An operator's edit: another port, so this test never collides with a running plugd.
    const yaml = join(root, "etc/plugd/plugd.yaml");
    await Deno.writeTextFile(
      yaml,
      (await Deno.readTextFile(yaml)).replace("http: 127.0.0.1:7420", "http: 127.0.0.1:0"),
    );
    const pkg = await signedHello();

    await using daemon = await startUnitDaemon(unit, root);
    const ready = await waitFor(
      () => daemon.notifications.find((n) => n.split("\n").includes("READY=1")),
      "READY=1 on NOTIFY_SOCKET",
      60_000,
    );
    assert.match(ready, /STATUS=serving/);
    // READY means serving: the socket answers at once, and the sandbox is bubblewrap.
    const cli = (...args: string[]) => runPlugd([...args, "--socket", daemon.socketPath]);
    const status = await cli("status", "--json");
    assert.equal(status.code, 0, status.stderr + daemon.log());
    assert.equal(JSON.parse(status.stdout).state, "running");
    assert.match(daemon.log(), /sandbox: bwrap/);
    const owner = (await Deno.stat(join(daemon.stateDir, "plugd.db"))).uid;
    assert.notEqual(owner, 0, "state files belong to the service user, not root");
    // Not root, no volumes: what a plugin leaves in $DATA (a setuid file, a 0777 folder) is still
    // out of every other user's reach (tests/security/setuid_test.ts covers the root deployment).
    const data = await Deno.stat(join(daemon.stateDir, "data"));
    assert.equal((data.mode ?? 0) & 0o777, 0o700, "<state>/data lets nobody else in");

    for (
      const args of [
        ["key", "trust", pkg.pub],
        ["plugin", "install", pkg.tgz],
        ["plugin", "grant", "hello", "--yes"],
        ["plugin", "enable", "hello"],
      ]
    ) {
      const r = await cli(...args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}\n${daemon.log()}`);
    }
    const emitted = await cli(
      "emit",
      "deployment.post_create",
      "--data",
      '{"app":"web"}',
      "--wait",
      "--json",
    );
    assert.equal(emitted.code, 0, emitted.stderr);
    const answer = JSON.parse(emitted.stdout).results[0];
    assert.equal(answer.status, "ok", emitted.stdout);
    assert.equal(answer.result.message, "Hello, web!");
    const info = JSON.parse((await cli("plugin", "info", "hello", "--json")).stdout);
    assert.ok(
      info.stats.rssBytes > 0,
      "the daemon reads /proc under the unit (memory, CPU budget)",
    );

    // SIGHUP: the file is re-read; the plugin keeps its process, a following stream stays open.
    const follow = await fetch("http://plugd/v1/plugins/hello/logs?follow=true", {
      client: Deno.createHttpClient({ proxy: { transport: "unix", path: daemon.socketPath } }),
    });
    const reader = follow.body!.pipeThrough(new TextDecoderStream()).getReader();
    await Deno.writeTextFile(
      yaml,
      "http: 127.0.0.1:0\nregistries: [/srv/index.json]\nidle_stop_ms: 5\n",
    );
    daemon.signal("SIGHUP");
    await daemon.waitForLog(/reload done/, "the reload");
    assert.match(
      daemon.log(),
      /reload: registries \(none\) -> index\.json=\/srv\/index\.json: applied/,
    );
    assert.match(
      daemon.log(),
      /reload: idle_stop_ms 0 -> 5: NOT applied, this setting needs a restart/,
    );
    assert.ok(daemon.notifications.some((n) => n.includes("RELOADING=1")));
    const after = JSON.parse((await cli("plugin", "info", "hello", "--json")).stdout);
    assert.equal(after.stats.pid, info.stats.pid, "the plugin process survives a reload");
    await cli("emit", "deployment.post_create", "--data", '{"app":"api"}', "--wait");
    let streamed = "";
    while (!streamed.includes("Hello, api!")) {
      const { value, done } = await reader.read();
      assert.ok(!done, `the log stream closed during the reload: ${streamed}`);
      streamed += value;
    }
    await reader.cancel();

    // A second daemon on the same state dir (another socket folder) is refused, naming the first.
    const otherRun = await Deno.makeTempDir({ prefix: "plugd-run2-" });
    await Deno.chown(otherRun, (await Deno.stat(daemon.stateDir)).uid, null);
    await using second = await startUnitDaemon(unit, root, { runtimeDir: otherRun });
    assert.equal(await second.exited(), 1, second.log());
    assert.match(
      second.log(),
      new RegExp(`Another plugd \\(pid ${daemon.process.pid}\\) is already using the state dir`),
    );

    const disabled = await cli("plugin", "disable", "hello");
    assert.equal(disabled.code, 0, disabled.stderr);
    daemon.signal("SIGTERM");
    await waitFor(
      () => daemon.notifications.some((n) => n.includes("STOPPING=1")),
      "STOPPING=1 on NOTIFY_SOCKET",
    );
    assert.equal(await daemon.exited(), 0, daemon.log());
    if (Deno.env.get("PLUGD_SHOW_UNIT_LOG")) console.log(daemon.log());
  },
});
