/** An unprivileged addon reaches only what it was granted; a privileged one needs its own grant. */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { addonOf, ADDONS, call, installAddon, runOp } from "./_addons.ts";

/** A copy of the prober whose manifest grants write on `granted`, plus `net` when asked. */
async function prober(granted: string, net: boolean): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: granted.replace(/\/granted$/, ""), prefix: "prober-" });
  await Deno.copyFile(`${ADDONS}prober/addon.sh`, `${dir}/addon.sh`);
  const manifest = (await Deno.readTextFile(`${ADDONS}prober/plugin.yaml`))
    .replaceAll("/nonexistent/plugd-addon-granted", granted)
    .replace("permissions:\n", `permissions:\n${net ? '  net: ["api.example.com:443"]\n' : ""}`);
  await Deno.writeTextFile(`${dir}/plugin.yaml`, manifest);
  return dir;
}

/** `reached x` / `blocked x` lines as a map. */
function probes(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout.split("\n").map((l) => /^(reached|blocked) (\S+)$/.exec(l)).filter((m) => m !== null)
      .map((m) => [m![2]!, m![1]!]),
  );
}

Deno.test("an unprivileged addon writes only where granted, never sees plugd's state or the network", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  // Outside /tmp: the sandbox's /tmp is a private tmpfs.
  const base = await Deno.makeTempDir({ dir: "/var/tmp", prefix: "plugd-addon-sandbox-" });
  const granted = `${base}/granted`;
  await Deno.mkdir(granted, { mode: 0o777 });
  await Deno.chmod(granted, 0o777);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const dir = await prober(granted, false);
    const id = await installAddon(d, dir, {
      granted_dir: granted,
      target_state: d.stateDir,
      port: (listener.addr as Deno.NetAddr).port,
    });
    const record = await runOp(d, id, "install");
    assert.equal(record.status, "succeeded", record.stderr);
    assert.deepEqual(probes(record.stdout), {
      "granted-write": "reached",
      "granted-parent": "blocked",
      "etc-write": "blocked",
      "root-write": "blocked",
      "plugin-write": "blocked",
      "state-dir": "blocked",
      "state-db": "blocked",
      "master-key": "blocked",
      "etc-shadow": "blocked",
      network: "blocked",
      dpkg: "blocked",
    });
    assert.equal(await Deno.readTextFile(`${granted}/written`), "ok\n");
    await assert.rejects(Deno.stat(`${base}/escaped`));
    await assert.rejects(Deno.stat("/etc/plugd-addon-probe"));
    // As root, plugd gives the addon its own uid: never root, never the daemon's.
    const uid = Number(/uid=(\d+)/.exec(record.stdout)?.[1]);
    assert.ok(uid > 0 && uid !== Deno.uid(), `ran as uid ${uid}`);

    // With a net grant the whole network opens (all or nothing for shell code), and says so.
    const netDir = await prober(granted, true);
    await Deno.writeTextFile(
      `${netDir}/plugin.yaml`,
      (await Deno.readTextFile(`${netDir}/plugin.yaml`)).replace(
        "id: prober-addon",
        "id: prober-net",
      )
        .replace('"name": "prober-addon"', '"name": "prober-net"'),
    );
    const script = await Deno.readTextFile(`${netDir}/addon.sh`);
    await Deno.writeTextFile(
      `${netDir}/addon.sh`,
      script.replace('"prober-addon"', '"prober-net"'),
    );
    const install = await call(d, "POST", "/v1/plugins", { source: netDir });
    assert.equal(install.status, 201, JSON.stringify(install.body));
    const risk = install.body.risks.find((r: { kind: string }) => r.kind === "net");
    assert.equal(risk.level, "high");
    assert.match(risk.reason, /all or nothing/);
    const netId = await installAddonGranted(d, install.body, {
      granted_dir: granted,
      port: (listener.addr as Deno.NetAddr).port,
    });
    const accepted = listener.accept();
    const withNet = await runOp(d, netId, "install");
    assert.equal(probes(withNet.stdout).network, "reached");
    (await accepted).close();
  } finally {
    listener.close();
    await Deno.remove(base, { recursive: true });
  }
});

async function installAddonGranted(
  d: Parameters<typeof call>[0],
  installed: { id: string; requested: unknown },
  config: Record<string, unknown>,
): Promise<string> {
  const id = installed.id;
  assert.equal(
    (await call(d, "POST", `/v1/plugins/${id}/grant`, { permissions: installed.requested })).status,
    200,
  );
  assert.equal((await call(d, "PUT", `/v1/plugins/${id}/config`, config)).status, 200);
  assert.equal((await call(d, "POST", `/v1/plugins/${id}/enable`)).status, 200);
  return id;
}

Deno.test("a privileged addon cannot start without its own grant; granted, it is root with plugd hidden", async () => {
  await using d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  const install = await call(d, "POST", "/v1/plugins", { source: `${ADDONS}rooted` });
  assert.equal(install.status, 201);
  assert.deepEqual(install.body.requested, { privileged: ["root"] });
  assert.equal(install.body.risks[0].level, "critical");
  const id = install.body.id;

  const enable = await call(d, "POST", `/v1/plugins/${id}/enable`);
  assert.equal(enable.status, 409);
  const op = await call(d, "POST", `/v1/plugins/${id}/operations/install`);
  assert.equal(op.status, 409);
  assert.match(op.body.detail, /grant and enable it first/);
  const bundled = await call(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: install.body.requested,
  });
  assert.equal(bundled.status, 409);
  assert.match(bundled.body.detail, /never granted along with other permissions.*--privileged/);
  assert.equal((await call(d, "POST", `/v1/plugins/${id}/enable`)).status, 409);
  assert.equal((await addonOf(d, id)).privileged, true);

  if (Deno.uid() !== 0) return; // root on the host needs plugd to run as root
  const grant = await call(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: install.body.requested,
    confirm_privileged: true,
  });
  assert.equal(grant.status, 200);
  assert.equal((await call(d, "POST", `/v1/plugins/${id}/enable`)).status, 200);
  const record = await runOp(d, id, "install", [d.stateDir]);
  assert.equal(record.status, "succeeded", record.stderr);
  assert.match(record.stdout, /uid=0\netc writable\nstate hidden/);
});
