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
const FORMAT = new URL("../../plugins/message-format", import.meta.url).pathname;

/**
 * Signed packages of plugins/hello and plugins/message-format and their public key, in a folder
 * only root can read (like an operator's home): the CLI uploads them, the daemon never needs the
 * client's files.
 */
async function signedPackages(): Promise<{ hello: string; format: string; pub: string }> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-pkg-" });
  await Deno.chmod(dir, 0o700);
  const gen = await runPlugd(["key", "generate", "--out", dir, "--json"]);
  assert.equal(gen.code, 0, gen.stderr);
  const { private_key: key, public_key: pub } = JSON.parse(gen.stdout);
  const pack = async (src: string) => {
    const packed = await runPlugd([
      "plugin",
      "pack",
      "--no-check",
      src,
      "--sign",
      key,
      "--out",
      dir,
      "--json",
    ]);
    assert.equal(packed.code, 0, packed.stderr);
    return JSON.parse(packed.stdout).path as string;
  };
  return { hello: await pack(HELLO), format: await pack(FORMAT), pub };
}

/** The uids of the `deno` processes below `pid` (the plugin itself, past launcher and bwrap). */
async function denoUids(pid: number): Promise<number[]> {
  const uids = new Set<number>();
  const walk = async (p: number): Promise<void> => {
    const status = await Deno.readTextFile(`/proc/${p}/status`).catch(() => "");
    if (/^Name:\s*deno$/m.test(status)) uids.add(Number(/^Uid:\s*(\d+)/m.exec(status)?.[1]));
    const children = await Deno.readTextFile(`/proc/${p}/task/${p}/children`).catch(() => "");
    for (const c of children.trim().split(/\s+/).filter(Boolean)) await walk(Number(c));
  };
  await walk(pid);
  return [...uids];
}

/** Runs `sh -c script` as `uid` (gid = uid, no groups): what a plugin's uid may do on the host. */
async function asUid(uid: number, script: string): Promise<{ ok: boolean; text: string }> {
  const out = await new Deno.Command("/usr/bin/setpriv", {
    args: [`--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--", "/bin/sh", "-c", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { ok: out.success, text };
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
    const pkg = await signedPackages();

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
    assert.match(daemon.log(), /each plugin its own uid from \d+-\d+ \(plugd's capabilities\)/);

    for (
      const args of [
        ["key", "trust", pkg.pub],
        ["plugin", "install", pkg.hello],
        ["plugin", "grant", "hello", "--yes"],
        ["plugin", "enable", "hello"],
        ["plugin", "install", pkg.format],
        ["plugin", "grant", "message-format", "--yes"],
        ["plugin", "enable", "message-format"],
      ]
    ) {
      const r = await cli(...args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}\n${daemon.log()}`);
    }
    // Each plugin runs under its own uid (not plugd's), as `plugd plugin flags` shows.
    const uids: number[] = [];
    for (const id of ["hello", "message-format"]) {
      const flags = JSON.parse((await cli("plugin", "flags", id, "--json")).stdout);
      const uid = Number(
        (flags.argv as string[]).find((a) => a.startsWith("--reuid="))?.slice("--reuid=".length),
      );
      assert.ok(uid >= 1_879_048_192 && uid !== owner, `${id}: ${flags.argv.join(" ")}`);
      const info = JSON.parse((await cli("plugin", "info", id, "--json")).stdout);
      assert.deepEqual(await denoUids(info.stats.pid), [uid], `${id} runs as ${uid}`);
      // $DATA: the daemon owns it, the plugin's group may write in it, nobody else may enter.
      const data = await Deno.stat(join(daemon.stateDir, "data", id));
      assert.deepEqual([data.uid, data.gid, (data.mode ?? 0) & 0o7777], [owner, uid, 0o770]);
      uids.push(uid);
    }
    assert.notEqual(uids[0], uids[1], "two plugins, two uids");
    const [helloUid, formatUid] = uids as [number, number];
    const theirs = join(daemon.stateDir, "data", "message-format");
    assert.ok((await asUid(formatUid, `echo mine > ${theirs}/note`)).ok, "a plugin's own $DATA");
    for (const script of [`ls ${theirs}`, `cat ${theirs}/note`, `echo x > ${theirs}/planted`]) {
      const r = await asUid(helloUid, script);
      assert.ok(!r.ok && /Permission denied/.test(r.text), `${script}: ${r.text}`);
    }
    // Deno and its libraries: read-only folders of hard links that the unit's root step made
    // (ExecStartPre=+) next to the state dir, root's, instead of one bind per file. The plugin
    // uids reach them but write nothing there, and still cannot list the daemon's state dir.
    const bins = `${daemon.stateDir}-sandbox-bin`;
    const argv: string[] =
      JSON.parse((await cli("plugin", "flags", "hello", "--json")).stdout).argv;
    const folders = argv.filter((a, i) => argv[i - 1] === "--ro-bind" && a.startsWith(`${bins}/`));
    assert.deepEqual(
      folders.map((f) => argv[argv.indexOf(f) + 1]).sort(),
      ["/lib/x86_64-linux-gnu", "/lib64", "/plugd/bin"],
      argv.join(" "),
    );
    for (const folder of [bins, ...folders]) {
      const st = await Deno.stat(folder);
      assert.deepEqual([st.uid, (st.mode ?? 0) & 0o7777], [0, 0o755], folder);
      const w = await asUid(helloUid, `echo x > ${folder}/planted`);
      assert.ok(!w.ok && /Permission denied/.test(w.text), `${folder}: ${w.text}`);
    }
    // The same files the file binds showed: each entry is the host's file at that path inside.
    for (const folder of folders) {
      const dest = argv[argv.indexOf(folder) + 1]!;
      const host = dest === "/plugd/bin" ? join(root, "opt/plugd/bin") : dest;
      for (const entry of Deno.readDirSync(folder)) {
        const [inside, real] = [
          await Deno.stat(join(folder, entry.name)),
          await Deno.stat(join(host, entry.name)),
        ];
        assert.deepEqual([inside.dev, inside.ino], [real.dev, real.ino], `${dest}/${entry.name}`);
      }
    }
    const list = await asUid(helloUid, `ls ${daemon.stateDir}`);
    assert.ok(!list.ok && /Permission denied/.test(list.text), list.text);
    // <state>/data is traversable (bubblewrap runs as the plugin's uid) but not listable.
    const parent = await Deno.stat(join(daemon.stateDir, "data"));
    assert.equal((parent.mode ?? 0) & 0o777, 0o711);
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
    // Purge removes a plugin's $DATA although its files are its uid's, in a folder it locked.
    const locked =
      `mkdir ${theirs}/locked && echo x > ${theirs}/locked/f && chmod 0500 ${theirs}/locked`;
    assert.ok((await asUid(formatUid, locked)).ok);
    const removed = await cli("plugin", "remove", "message-format", "--purge");
    assert.equal(removed.code, 0, removed.stderr + daemon.log());
    await assert.rejects(Deno.lstat(theirs), Deno.errors.NotFound, "$DATA purged");
    daemon.signal("SIGTERM");
    await waitFor(
      () => daemon.notifications.some((n) => n.includes("STOPPING=1")),
      "STOPPING=1 on NOTIFY_SOCKET",
    );
    assert.equal(await daemon.exited(), 0, daemon.log());
    if (Deno.env.get("PLUGD_SHOW_UNIT_LOG")) console.log(daemon.log());
  },
});
