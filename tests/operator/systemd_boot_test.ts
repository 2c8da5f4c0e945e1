/**
 * scripts/plugd.service under a real systemd: systemd-nspawn boots this host's /usr with a fresh
 * root whose /etc and /opt/plugd come from install.sh --root, systemd (PID 1) starts plugd.service
 * (Type=notify: the driver unit ordered after it starts only once plugd said READY=1), and the
 * driver uses the installed `plugd` command like an operator: trust, install, grant, enable,
 * emit, `systemctl reload`, disable, `systemctl stop`; the plugin runs under a uid of its own. The
 * results come back through /out.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { canInstall, installedRoot } from "../helpers/install_root.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";

const HELLO = new URL("../../plugins/hello", import.meta.url).pathname;
const NSPAWN = "/usr/bin/systemd-nspawn";
const hasNspawn = (() => {
  try {
    return Deno.statSync(NSPAWN).isFile && canInstall();
  } catch {
    return false;
  }
})();

const DRIVER_UNIT = `[Unit]
Description=plugd boot test driver
Wants=plugd.service
After=plugd.service
[Service]
Type=oneshot
ExecStart=/bin/sh /out/driver.sh
StandardOutput=append:/out/driver.log
StandardError=append:/out/driver.log
ExecStopPost=/bin/systemctl poweroff --no-block
`;

// Runs inside the container as root, with the installed plugd command on PATH.
const DRIVER = `set -u
step() { echo "+ $*"; "$@"; echo "= $?"; }
echo "active-at-start: $(systemctl is-active plugd)"
step plugd status
step plugd key trust /out/key.pub
step plugd plugin install /out/hello.tgz
step plugd plugin grant hello --yes
step plugd plugin enable hello
plugd emit deployment.post_create --data '{"app":"web"}' --wait --json > /out/emit.json
step systemctl reload plugd
for i in $(seq 1 100); do journalctl -u plugd -o cat | grep -q "reload done" && break; sleep 0.1; done
echo "active-after-reload: $(systemctl is-active plugd)"
plugd plugin info hello --json > /out/info.json
plugd plugin flags hello --json > /out/flags.json
id -u plugd > /out/plugd-uid.txt
for s in /proc/[0-9]*/status; do
  # (no awk: /etc/alternatives is not in this root)
  grep -q '^Name:[[:space:]]*deno$' "$s" 2>/dev/null && grep '^Uid:' "$s" | tr -s '[:space:]' ' ' | cut -d' ' -f2
done | sort -u > /out/deno-uids.txt
step plugd plugin disable hello
step systemctl stop plugd
echo "result: $(systemctl show plugd -p Result --value) status: $(systemctl show plugd -p ExecMainStatus --value)"
journalctl -u plugd -o short-precise --no-pager > /out/journal.txt
echo finished
`;

Deno.test({
  name:
    "plugd.service boots under a real systemd (nspawn): ready, serves a signed plugin, reloads, stops cleanly",
  ignore: !hasNspawn,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await installedRoot();
    await Deno.writeTextFile(join(root, "etc/machine-id"), "");
    await Deno.writeTextFile(join(root, "etc/systemd/system/plugd-boot-test.service"), DRIVER_UNIT);
    const out = await Deno.makeTempDir({ prefix: "plugd-boot-out-" });
    await Deno.chmod(out, 0o755);
    const gen = await runPlugd(["key", "generate", "--out", out, "--json"]);
    assert.equal(gen.code, 0, gen.stderr);
    const keys = JSON.parse(gen.stdout);
    await Deno.rename(keys.public_key, join(out, "key.pub"));
    const pack = await runPlugd([
      "plugin",
      "pack",
      "--no-check",
      HELLO,
      "--sign",
      keys.private_key,
      "--out",
      join(out, "hello.tgz"),
    ]);
    assert.equal(pack.code, 0, pack.stderr);
    await Deno.writeTextFile(join(out, "driver.sh"), DRIVER);

    const boot = new Deno.Command(NSPAWN, {
      args: [
        "--quiet",
        "--register=no",
        "--keep-unit",
        "--private-network",
        "--volatile=yes",
        "--directory=/",
        `--bind-ro=${root}/etc:/etc`,
        `--bind-ro=${root}/opt/plugd:/opt/plugd`,
        `--bind-ro=${root}/usr/local:/usr/local`,
        `--bind=${out}:/out`,
        "--boot",
        "--",
        "systemd.unit=plugd-boot-test.service",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const guard = setTimeout(() => boot.kill("SIGTERM"), 240_000); // a hung boot fails, never hangs CI
    const console = await boot.output();
    clearTimeout(guard);
    const text = (name: string) => Deno.readTextFile(join(out, name)).catch(() => "");
    const driver = await text("driver.log");
    const journal = await text("journal.txt");
    const context = `driver:\n${driver}\njournal:\n${journal}\nconsole:\n${
      new TextDecoder().decode(console.stdout).slice(-3000)
    }`;
    assert.match(driver, /finished/, context);
    assert.match(driver, /active-at-start: active/, context);
    for (const step of driver.matchAll(/^\+ (.*)\n(?:.*\n)*?= (\d+)$/gm)) {
      assert.equal(step[2], "0", `${step[1]} failed\n${context}`);
    }
    const answer = JSON.parse(await text("emit.json")).results[0];
    assert.equal(answer.status, "ok", context);
    assert.equal(answer.result.message, "Hello, web!");
    assert.match(driver, /active-after-reload: active/, context);
    assert.match(journal, /reload done/, context);
    assert.equal(JSON.parse(await text("info.json")).stats.state, "running", context);
    assert.match(driver, /result: success status: 0/, context);
    assert.match(journal, /sandbox: bwrap/, context);
    // The plugin runs under a uid of its own from uid_range, not the service user's.
    assert.match(journal, /each plugin its own uid from \d+-\d+ \(plugd's capabilities\)/, context);
    const argv: string[] = JSON.parse(await text("flags.json")).argv;
    const uid = Number(argv.find((a) => a.startsWith("--reuid="))?.slice("--reuid=".length));
    const plugd = Number((await text("plugd-uid.txt")).trim());
    const running = (await text("deno-uids.txt")).trim().split("\n").map(Number);
    assert.ok(uid >= 1_879_048_192 && uid !== plugd, `${argv.join(" ")}\n${context}`);
    assert.ok(running.includes(uid) && running.includes(plugd), `deno uids ${running}\n${context}`);
    // systemd ran the root step (ExecStartPre=+) before the daemon. In this volatile root /var is
    // a tmpfs and /usr and /opt/plugd are other mounts: nothing can be hard-linked, so each file
    // is bound by itself, as before the folders (the plugin answered above).
    assert.match(journal, /sandbox-bin: 0 folder\(s\) of hard links .* 8 file bind\(s\)/, context);
    assert.ok(argv.includes("/plugd/bin/deno") && !argv.join(" ").includes("sandbox-bin/"));
    if (Deno.env.get("PLUGD_SHOW_UNIT_LOG")) globalThis.console.log(journal);
  },
});
