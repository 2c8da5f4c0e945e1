/**
 * Gap: every plugin ran as uid 65534, so only the mount namespace kept them apart. Each plugin
 * now has its own uid (daemon as root): with the mount namespace deliberately widened (a
 * test-only bind of the victim's `$DATA`) and Deno's file flags opened, a thief still cannot read,
 * list or write another plugin's data, and the daemon keeps each plugin's uid across restarts.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { installFixtures, socketJson } from "../hooks/_helpers.ts";
import { MALICIOUS, SecurityHost } from "./_host.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const root = Deno.uid() === 0;
const widen = ["--allow-read", "--allow-write"];

Deno.test({
  name: "uids: with the mount namespace widened, a plugin still cannot touch another's $DATA",
  ignore: !root, // only root can give plugins uids of their own; see docs/security.md
  ...OPTS,
  async fn() {
    await using host = await SecurityHost.create();
    const victim = await host.launch(`${MALICIOUS}file-thief`, { id: "victim" });
    await victim.emit("steal.write", { path: "/data/secret.txt", text: "victim-secret-4711" });
    const thief = await host.launch(`${MALICIOUS}file-thief`, {
      id: "thief",
      widenMounts: [victim.dataDir],
      widenDenoFlags: widen,
    });
    const [victimUid, thiefUid] = [await host.uids.uidOf("victim"), await host.uids.uidOf("thief")];
    assert.notEqual(victimUid, thiefUid);
    assert.ok(![0, 65534].includes(victimUid) && ![0, 65534].includes(thiefUid));
    // The widening works: the thief sees the victim's folder and uses its own data freely.
    assert.equal(await thief.emit("steal.write", { path: "/data/mine.txt", text: "x" }), "written");
    const attempts: [string, Record<string, string>][] = [
      ["steal.read", { path: `${victim.dataDir}/secret.txt` }],
      ["steal.readdir", { path: victim.dataDir }],
      ["steal.write", { path: `${victim.dataDir}/planted.txt` }],
      ["steal.write", { path: `${victim.dataDir}/secret.txt`, text: "overwritten" }],
    ];
    for (const [action, payload] of attempts) {
      await assert.rejects(
        thief.emit(action, payload),
        /PermissionDenied|Permission denied/,
        `${action} ${payload.path} must be refused by the uid`,
      );
    }
    assert.equal(
      await Deno.readTextFile(`${victim.dataDir}/secret.txt`),
      "victim-secret-4711",
    );
    await assert.rejects(Deno.stat(`${victim.dataDir}/planted.txt`), Deno.errors.NotFound);
    await host.assertNeighbourServes();
  },
});

function reuid(argv: string[]): string | undefined {
  return argv.find((a) => a.startsWith("--reuid="));
}

Deno.test({
  name: "uids: the daemon gives each plugin its own uid from the range, the same after a restart",
  ignore: !root,
  ...OPTS,
  async fn() {
    const stateDir = await Deno.makeTempDir({ prefix: "plugd-uids-" });
    try {
      let first: (string | undefined)[];
      {
        await using daemon = await startDaemon({ stateDir });
        await installFixtures(daemon, ["echo", "env-reader"]);
        first = await Promise.all(["echo", "env-reader"].map(async (id) => {
          const flags = await socketJson(daemon, "GET", `/v1/plugins/${id}/flags`);
          return reuid((flags.body as { argv: string[] }).argv);
        }));
        assert.ok(first[0] && first[1] && first[0] !== first[1], JSON.stringify(first));
        const uid = Number(first[0]!.slice("--reuid=".length));
        assert.ok(uid >= 1_879_048_192, `${uid} comes from the default range`);
        assert.match(daemon.log(), /each plugin its own uid from 1879048192-1879113727/);
        const data = await Deno.stat(`${stateDir}/data/echo`);
        assert.equal(data.uid, uid, "$DATA belongs to the plugin's uid");
        assert.equal((data.mode ?? 0) & 0o777, 0o700);
        assert.equal(((await Deno.stat(`${stateDir}/data`)).mode ?? 0) & 0o777, 0o700);
      }
      await using again = await startDaemon({ stateDir });
      const after = await Promise.all(["echo", "env-reader"].map(async (id) => {
        const flags = await socketJson(again, "GET", `/v1/plugins/${id}/flags`);
        return reuid((flags.body as { argv: string[] }).argv);
      }));
      assert.deepEqual(after, first);
    } finally {
      await Deno.remove(stateDir, { recursive: true }).catch(() => {});
    }
  },
});
