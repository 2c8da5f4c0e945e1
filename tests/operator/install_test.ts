/**
 * scripts/install.sh and scripts/uninstall.sh in a throwaway root (--root): committed files only,
 * file modes, the plugd command, idempotence, and an uninstall that keeps the state unless
 * --purge. The checkout installed is a clone with a stray private key and an uncommitted change.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { canInstall, emptyRoot, runInstaller } from "../helpers/install_root.ts";

const REPO = new URL("../../", import.meta.url).pathname;

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", `safe.directory=*`, ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) throw new Error(`git ${args.join(" ")}: ${text.decode(out.stderr)}`);
  return text.decode(out.stdout).trim();
}

/**
 * A checkout holding this working tree's tracked files as its one commit (so the install.sh under
 * test is the current one), plus an untracked secret and an uncommitted edit of a tracked file.
 */
async function messyCheckout(): Promise<string> {
  const dir = join(await Deno.makeTempDir({ prefix: "plugd-checkout-" }), "plugd");
  await Deno.mkdir(dir);
  const files = (await git(REPO, "ls-files", "--cached")).split("\n");
  for (const file of files) {
    try {
      await Deno.mkdir(join(dir, file, ".."), { recursive: true });
      await Deno.copyFile(join(REPO, file), join(dir, file));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error; // deleted, not yet committed
    }
  }
  await git(dir, "init", "--quiet");
  await git(dir, "add", "-A");
  await git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "t");
  await Deno.writeTextFile(join(dir, "plugd-key-stray.key"), "PRIVATE", { mode: 0o600 });
  await Deno.writeTextFile(join(dir, "README.md"), "\nlocal edit\n", { append: true });
  return dir;
}

const mode = async (path: string) => (await Deno.lstat(path)).mode! & 0o7777;

Deno.test({
  name:
    "install.sh --root: committed files only, root-owned and not writable by others; the plugd command; idempotent",
  ignore: !canInstall(),
  async fn() {
    const checkout = await messyCheckout();
    const root = await emptyRoot();
    // Never run an installer that would ignore --root and act on this host.
    assert.match(await Deno.readTextFile(join(checkout, "scripts/install.sh")), /--root\)/);
    const first = await runInstaller(root, [], join(checkout, "scripts/install.sh"));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /with uncommitted changes/);
    const opt = join(root, "opt/plugd");
    await assert.rejects(() => Deno.stat(join(opt, "plugd-key-stray.key")), Deno.errors.NotFound);
    assert.match(await Deno.readTextFile(join(opt, "README.md")), /local edit/);
    for (const tracked of (await git(checkout, "ls-files")).split("\n")) {
      await Deno.stat(join(opt, tracked)); // every committed file is there
    }
    // Nothing under /opt/plugd is writable by group or others, and everything is root's.
    const walk = async (dir: string): Promise<void> => {
      for await (const e of Deno.readDir(dir)) {
        const path = join(dir, e.name);
        const info = await Deno.lstat(path);
        assert.equal(info.uid, 0, `${path} owned by root`);
        if (!e.isSymlink) assert.equal(info.mode! & 0o022, 0, `${path} not group/other writable`);
        if (e.isDirectory) await walk(path);
      }
    };
    await walk(opt);
    assert.equal(await mode(join(opt, "bin/deno")), 0o755);
    assert.equal(await mode(join(root, "etc/plugd/master.key")), 0o600);
    assert.equal((await Deno.stat(join(root, "etc/plugd/master.key"))).size, 32);
    assert.equal(await mode(join(root, "etc/plugd/plugd.yaml")), 0o644);
    assert.equal(await mode(join(root, "etc/systemd/system/plugd.service")), 0o644);
    const command = join(root, "usr/local/bin/plugd");
    assert.equal(await mode(command), 0o755);
    assert.match(await Deno.readTextFile(command), /exec \/opt\/plugd\/bin\/deno run/);
    // The daemon's bundle, built at install (deno task build): the unit and the command run it.
    assert.ok((await Deno.stat(join(opt, "dist/plugd.js"))).isFile);
    assert.match(await Deno.readTextFile(command), /entry=\/opt\/plugd\/dist\/plugd\.js/);
    assert.match(await Deno.readTextFile(join(root, "etc/passwd")), /^plugd:x:\d+:\d+:/m);

    // The command works (with /opt/plugd mapped to the throwaway root).
    const text = (await Deno.readTextFile(command)).replaceAll("/opt/plugd", opt);
    const version = await new Deno.Command("/bin/sh", {
      args: ["-c", text, "plugd", "--version"],
      stdout: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(version.stdout).trim(), "plugd 0.1.0");

    // Again: same key, the operator's settings kept, the previous code kept as plugd.old.
    const key = await Deno.readFile(join(root, "etc/plugd/master.key"));
    await Deno.writeTextFile(join(root, "etc/plugd/plugd.yaml"), "http: 127.0.0.1:9999\n");
    const second = await runInstaller(root, [], join(checkout, "scripts/install.sh"));
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(await Deno.readFile(join(root, "etc/plugd/master.key")), key);
    assert.equal(
      await Deno.readTextFile(join(root, "etc/plugd/plugd.yaml")),
      "http: 127.0.0.1:9999\n",
    );
    await Deno.stat(join(root, "opt/plugd.old/main.ts"));
    assert.equal((await Deno.readTextFile(join(root, "etc/passwd"))).match(/^plugd:/gm)?.length, 1);
  },
});

Deno.test({
  name: "uninstall.sh --root keeps state, key and settings; --purge removes them and the user",
  ignore: !canInstall(),
  async fn() {
    const root = await emptyRoot();
    const uninstall = new URL("../../scripts/uninstall.sh", import.meta.url).pathname;
    assert.equal((await runInstaller(root)).code, 0);
    await Deno.mkdir(join(root, "var/lib/plugd/plugins"), { recursive: true });
    await Deno.writeTextFile(join(root, "var/lib/plugd/plugd.db"), "state");

    const kept = await runInstaller(root, [], uninstall);
    assert.equal(kept.code, 0, kept.stderr);
    for (
      const gone of [
        "opt/plugd",
        "opt/plugd.old",
        "etc/systemd/system/plugd.service",
        "usr/local/bin/plugd",
      ]
    ) {
      await assert.rejects(() => Deno.lstat(join(root, gone)), Deno.errors.NotFound, gone);
    }
    assert.equal(await Deno.readTextFile(join(root, "var/lib/plugd/plugd.db")), "state");
    await Deno.stat(join(root, "etc/plugd/master.key"));
    assert.match(kept.stderr, /kept the state/);
    assert.equal((await runInstaller(root, [], uninstall)).code, 0, "idempotent");

    const purged = await runInstaller(root, ["--purge"], uninstall);
    assert.equal(purged.code, 0, purged.stderr);
    for (const gone of ["var/lib/plugd", "etc/plugd"]) {
      await assert.rejects(() => Deno.lstat(join(root, gone)), Deno.errors.NotFound, gone);
    }
    assert.doesNotMatch(await Deno.readTextFile(join(root, "etc/passwd")), /^plugd:/m);
    assert.doesNotMatch(await Deno.readTextFile(join(root, "etc/group")), /^plugd:/m);
  },
});
