/** The example addons through a real daemon: the privileged one installs a real Debian package. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { runPlugd } from "../helpers/plugd_cli.ts";
import { addonOf, call, waitLong } from "./_addons.ts";

const PLUGINS = new URL("../../plugins/", import.meta.url).pathname;

async function dpkgStatus(pkg: string): Promise<string> {
  const out = await new Deno.Command("dpkg-query", {
    args: ["-W", "-f=${Status}", pkg],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout);
}

Deno.test({
  name: "deb-hello: grant --privileged, install a real .deb, status transitions and records",
  ignore: Deno.uid() !== 0,
  async fn() {
    await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
    const pkg = `plugd-hello-e${crypto.randomUUID().slice(0, 8)}`;
    const cli = (...args: string[]) => runPlugd([...args, "--socket", d.socketPath]);
    try {
      assert.equal((await cli("plugin", "install", `${PLUGINS}deb-hello`)).code, 0);
      const info = await cli("plugin", "info", "deb-hello");
      assert.match(info.stdout, /privileged\s+root\s+CRITICAL/);
      assert.match(info.stdout, /runs as:\s+ROOT on the host filesystem/);
      const bundled = await cli("plugin", "grant", "deb-hello", "--yes");
      assert.equal(bundled.code, 1);
      assert.match(bundled.stderr, /--privileged/);
      assert.equal((await cli("plugin", "grant", "deb-hello", "--yes", "--privileged")).code, 0);
      assert.equal((await cli("plugin", "config", "deb-hello", `package=${pkg}`)).code, 0);
      assert.equal((await cli("plugin", "enable", "deb-hello")).code, 0);
      assert.equal((await addonOf(d, "deb-hello")).status, "not_installed");

      const install = await cli("plugin", "op", "deb-hello", "install", "--wait");
      assert.equal(install.code, 0, install.stderr);
      assert.match(install.stderr, /\[ 50%\] dpkg -i /);
      assert.match(install.stdout, /install succeeded .*addon status: installed/);
      assert.equal(await dpkgStatus(pkg), "install ok installed");
      const addon = await waitLong(async () => {
        const a = await addonOf(d, "deb-hello");
        return a.status === "installed" && a.version === "1.0.0" ? a : null;
      }, "the status check after install");
      assert.equal(addon.health, "healthy");

      const uninstall = await cli("plugin", "op", "deb-hello", "uninstall", "false", "--wait");
      assert.equal(uninstall.code, 0, uninstall.stderr);
      assert.equal(await dpkgStatus(pkg), "");
      assert.equal((await addonOf(d, "deb-hello")).status, "not_installed");

      const { executions } =
        (await call(d, "GET", "/v1/plugins/deb-hello/executions?kind=operation"))
          .body;
      const ops = executions.map((r: { name: string; status: string }) => `${r.name}:${r.status}`);
      assert.deepEqual(ops, ["uninstall:succeeded", "validate:succeeded", "install:succeeded"]);
      const byName = Object.fromEntries(
        executions.map((r: { name: string }) => [r.name, r]),
      );
      assert.deepEqual(
        [byName.install.status_before, byName.install.status_after],
        ["not_installed", "installed"],
      );
      assert.deepEqual(
        [byName.uninstall.status_before, byName.uninstall.status_after],
        ["installed", "not_installed"],
      );
      assert.deepEqual(byName.uninstall.args, ["false"]);
      assert.equal(byName.install.actor, "socket");
      const full = (await call(d, "GET", `/v1/plugins/deb-hello/executions/${byName.install.id}`))
        .body;
      assert.match(full.stdout, /Setting up plugd-hello-e/);
    } finally {
      await new Deno.Command("dpkg", { args: ["-P", pkg], stdout: "null", stderr: "null" })
        .output();
    }
  },
});
