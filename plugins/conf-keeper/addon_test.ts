import assert from "node:assert/strict";
import { startAddon } from "@plugd/sdk/testing/addon";

const dir = new URL(".", import.meta.url).pathname;

/** A fresh folder to manage, writable by the addon's uid, granted instead of /srv/conf-keeper. */
async function managed(): Promise<string> {
  // Not under /tmp: that is the sandbox's own, never grantable.
  const root = await Deno.makeTempDir({ dir: "/var/tmp", prefix: "conf-keeper-" });
  await Deno.chmod(root, 0o777);
  return root;
}

Deno.test("conf-keeper installs, configures, reports, backs up and restores under its folder", async () => {
  const root = await managed();
  const config = { root, port: 9090, greeting: "hi there", api_key: "k-123" };
  await using addon = await startAddon(dir, { config, grant: { write: [root] } });
  assert.deepEqual((await addon.run("status")).result, {
    status: "not_installed",
    health: "unknown",
    message: "",
    details: {},
  });
  assert.equal(((await addon.run("validate")).result as { valid: boolean }).valid, true);

  const install = await addon.run("install");
  assert.equal(install.code, 0, install.stderr);
  assert.deepEqual(install.progress.map((p) => p.percent), [10, 40, 70, 100]);
  assert.match(install.stderr, /installed under .*: hi there on port 9090/);
  const conf = await Deno.readTextFile(`${root}/etc/keeper.conf`);
  assert.match(conf, /^port=9090$/m);
  assert.match(conf, /^api_key=k-123$/m);
  assert.deepEqual((await addon.run("status")).result, {
    status: "installed",
    health: "healthy",
    version: "1.0.0",
    message: "",
    details: { root, port: 9090 },
  });
  assert.deepEqual((await addon.run("health")).result, { health: "healthy", message: "" });

  // A config file broken behind its back makes it unhealthy, with the reason.
  await Deno.writeTextFile(`${root}/etc/keeper.conf`, conf.replace("port=9090", "port=x"));
  const sick = (await addon.run("health")).result as { health: string; message: string };
  assert.equal(sick.health, "unhealthy");
  assert.match(sick.message, /port 'x' is not a port/); // the script JSON-quotes its reason

  assert.equal((await addon.run("configure")).code, 0, "configure renders it again");
  assert.equal(((await addon.run("health")).result as { health: string }).health, "healthy");
  assert.match(await Deno.readTextFile(`${root}/etc/keeper.conf.previous`), /port=x/);

  const backup = await addon.run("backup", ["before-change"]);
  assert.equal(backup.code, 0, backup.stderr);
  await Deno.writeTextFile(`${root}/var/state`, "changed");
  await Deno.remove(`${root}/etc/keeper.conf`);
  assert.equal(((await addon.run("status")).result as { status: string }).status, "not_installed");
  const restore = await addon.run("restore", ["before-change"]);
  assert.equal(restore.code, 0, restore.stderr);
  assert.match(restore.stdout, /restored before-change/);
  assert.match(await Deno.readTextFile(`${root}/etc/keeper.conf`), /^port=9090$/m);
  assert.deepEqual((await addon.run("metrics")).result, {
    backups: 1,
    config_bytes: (await Deno.stat(`${root}/etc/keeper.conf`)).size,
  });
  assert.equal((await addon.run("restore", ["nope"])).code, 2);

  assert.equal((await addon.run("uninstall", ["false"])).code, 0);
  assert.equal(((await addon.run("status")).result as { status: string }).status, "not_installed");
  await assert.rejects(Deno.stat(`${root}/bin/keeper.sh`));
  await Deno.remove(root, { recursive: true });
});

Deno.test("conf-keeper refuses a folder it may not write, before installing anything", async () => {
  const root = await managed();
  const elsewhere = await managed();
  await using addon = await startAddon(dir, { config: { root }, grant: { write: [elsewhere] } });
  const validate = (await addon.run("validate")).result as { valid: boolean; errors: string[] };
  assert.equal(validate.valid, false);
  assert.match(validate.errors.join(), /does not exist|not writable/);
  const install = await addon.run("install");
  assert.notEqual(install.code, 0);
  await assert.rejects(Deno.stat(`${root}/bin`));
  await Deno.remove(root, { recursive: true });
  await Deno.remove(elsewhere, { recursive: true });
});
