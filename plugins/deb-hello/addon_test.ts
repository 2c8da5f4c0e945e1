import assert from "node:assert/strict";
import { startAddon } from "@plugd/sdk/testing/addon";

const dir = new URL(".", import.meta.url).pathname;

Deno.test({
  name: "deb-hello builds, installs, configures and removes a real Debian package",
  ignore: Deno.uid() !== 0, // privileged: root on the host
  async fn() {
    const pkg = `plugd-hello-t${crypto.randomUUID().slice(0, 8)}`;
    await using addon = await startAddon(dir, { config: { package: pkg, greeting: "Hi there" } });
    const query = async () => {
      const out = await new Deno.Command("dpkg-query", {
        args: ["-W", "-f=${Status}", pkg],
        stdout: "piped",
        stderr: "null",
      }).output();
      return new TextDecoder().decode(out.stdout);
    };
    try {
      assert.equal(((await addon.run("validate")).result as { valid: boolean }).valid, true);
      assert.equal(
        ((await addon.run("status")).result as { status: string }).status,
        "not_installed",
      );
      const install = await addon.run("install");
      assert.equal(install.code, 0, install.stderr);
      assert.equal(await query(), "install ok installed");
      assert.deepEqual((await addon.run("status")).result, {
        status: "installed",
        health: "healthy",
        version: "1.0.0",
        message: "",
        details: { package: pkg },
      });
      assert.deepEqual((await addon.run("health")).result, {
        health: "healthy",
        message: "Hi there",
      });
      const uninstall = await addon.run("uninstall", ["false"]);
      assert.equal(uninstall.code, 0, uninstall.stderr);
      assert.equal(await query(), "");
      assert.equal(
        ((await addon.run("status")).result as { status: string }).status,
        "not_installed",
      );
      await assert.rejects(Deno.stat(`/etc/${pkg}.conf`));
    } finally {
      await new Deno.Command("dpkg", { args: ["-P", pkg], stdout: "null", stderr: "null" })
        .output();
    }
  },
});
