/**
 * Gap: a plugin granted `write: ["$DATA"]` set the setuid bit on a file it wrote and made its
 * folder 0777; any local user who knew the path could run that file as the plugin's uid. Now no
 * user but root (and the plugin itself) reaches anything in a plugin's `$DATA`, however the
 * daemon was started: `<state>/data` is 0700, the plugin cannot reach (or chmod) it from inside
 * its sandbox, and bubblewrap mounts `/data` nosuid,nodev.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { socketJson } from "../hooks/_helpers.ts";
import { MALICIOUS } from "./_host.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
/** A local user that is neither the daemon nor a plugin. */
const OTHER_USER = 4242;

async function asOtherUser(script: string): Promise<{ code: number; out: string }> {
  const out = await new Deno.Command("setpriv", {
    args: [
      `--reuid=${OTHER_USER}`,
      `--regid=${OTHER_USER}`,
      "--clear-groups",
      "/bin/sh",
      "-c",
      script,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, out: text.decode(out.stdout) + text.decode(out.stderr) };
}

/** Runs the planter under a daemon started with `env`, probes as another user, then `check`s. */
async function plantAndProbe(
  env: Record<string, string>,
  check: (stateDir: string) => Promise<void>,
): Promise<void> {
  {
    await using daemon = await startDaemon({ env });
    const id = "setuid-planter";
    const installed = await socketJson(daemon, "POST", "/v1/plugins", {
      source: `${MALICIOUS}${id}`,
    });
    assert.equal(installed.status, 201, JSON.stringify(installed.body));
    const view = await socketJson(daemon, "GET", `/v1/plugins/${id}`);
    const requested = (view.body as { permissions: { requested: unknown } }).permissions.requested;
    await socketJson(daemon, "POST", `/v1/plugins/${id}/grant`, { permissions: requested });
    assert.equal((await socketJson(daemon, "POST", `/v1/plugins/${id}/enable`)).status, 200);
    const emitted = await socketJson(daemon, "POST", "/v1/events?wait=true", {
      specversion: "1.0",
      id: crypto.randomUUID(),
      source: "/test",
      type: "plant.setuid",
      data: {},
    });
    const result = (emitted.body as { results: { status: string; result: { mode: string } }[] })
      .results[0]!;
    assert.equal(result.status, "ok", JSON.stringify(emitted.body));
    // The plugin did set the bits: the threat is real, it must be harmless.
    assert.match(result.result.mode, /6777$/);

    const data = `${daemon.stateDir}/data/${id}`;
    for (
      const attempt of [`cat ${data}/suid`, `${data}/suid`, `ls ${data}`, `touch ${data}/drop/x`]
    ) {
      const r = await asOtherUser(attempt);
      assert.notEqual(r.code, 0, `${attempt} worked for uid ${OTHER_USER}: ${r.out}`);
      assert.match(r.out, /Permission denied/, attempt);
    }
    await check(daemon.stateDir);
  }
}

Deno.test({
  name:
    "setuid: a setuid file and 0777 folders a plugin leaves in $DATA are out of every user's reach",
  ignore: Deno.uid() !== 0, // needs root to act as another local user
  ...OPTS,
  async fn() {
    await plantAndProbe({}, async (state) => {
      const parent = await Deno.stat(`${state}/data`);
      assert.equal((parent.mode ?? 0) & 0o777, 0o700, "<state>/data lets nobody else in");
    });
  },
});

Deno.test({
  name: "setuid: the same in flags-only mode as root, where <state>/data must be traversable",
  ignore: Deno.uid() !== 0,
  ...OPTS,
  async fn() {
    const env = { PLUGD_SANDBOX: "flags", PLUGD_DATA_VOLUMES: "off" };
    await plantAndProbe(env, async (state) => {
      const parent = await Deno.stat(`${state}/data`);
      assert.equal((parent.mode ?? 0) & 0o777, 0o711, "the plugin's uid walks to its folder");
      const own = await Deno.stat(`${state}/data/setuid-planter`);
      assert.equal(own.uid, 0, "plugd owns the folder, so the plugin cannot open it");
      assert.equal((own.mode ?? 0) & 0o777, 0o770);
    });
  },
});
