/**
 * Gap: every plugin ran as uid 65534, so only the mount namespace kept them apart. Each plugin
 * now has its own uid, in both deployments: with the mount namespace deliberately widened (a
 * test-only bind of the victim's `$DATA`) and Deno's file flags opened, a thief still cannot read,
 * list or write another plugin's data, and the daemon keeps each plugin's uid across restarts.
 * The widened case runs twice: as root, and under scripts/plugd.service's own restrictions (its
 * non-root user, NoNewPrivileges=, CapabilityBoundingSet=, AmbientCapabilities=, UMask=), where
 * setpriv drops to the plugin's uid before bubblewrap.
 */
import assert from "node:assert/strict";
import { startDaemon } from "../helpers/daemon.ts";
import { capNames } from "../helpers/run_unit.ts";
import { readRepoUnit, serviceValue } from "../helpers/systemd_unit.ts";
import { installFixtures, socketJson } from "../hooks/_helpers.ts";
import { MALICIOUS, SecurityHost } from "./_host.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;
const root = Deno.uid() === 0;
const widen = ["--allow-read", "--allow-write"];
/** Set in the child that runs as the unit's user (see the third test). */
const AS_UNIT = Deno.env.get("PLUGD_TEST_AS_UNIT") === "1";
/** The child's uid: no account, in a range systemd leaves unused (65536–524287). */
const UNIT_TEST_UID = 424_242;

async function widenedThief(): Promise<{ victimUid: number; thiefUid: number }> {
  await using host = await SecurityHost.create();
  const victim = await host.launch(`${MALICIOUS}file-thief`, { id: "victim" });
  await victim.emit("steal.write", { path: "/data/secret.txt", text: "victim-secret-4711" });
  const thief = await host.launch(`${MALICIOUS}file-thief`, {
    id: "thief",
    widenMounts: [victim.dataDir],
    widenDenoFlags: widen,
  });
  // Both started through the protocol socket (as the unit's user: from the plugin's host $TMP).
  for (const p of [victim, thief]) assert.ok(p.plan.channel, `${p.id} has a protocol socket`);
  const [victimUid, thiefUid] = [await host.uids.uidOf("victim"), await host.uids.uidOf("thief")];
  assert.notEqual(victimUid, thiefUid);
  assert.ok(![0, 65534, Deno.uid()].includes(victimUid), `victim uid ${victimUid}`);
  assert.ok(![0, 65534, Deno.uid()].includes(thiefUid), `thief uid ${thiefUid}`);
  // Each really runs as its uid (the deno process in its sandbox, seen from the host).
  for (const [p, uid] of [[victim, victimUid], [thief, thiefUid]] as const) {
    assert.deepEqual(await treeUids((await p.stats()).pid!), [uid], `${p.id} runs as ${uid}`);
  }
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
  assert.equal(await Deno.readTextFile(`${victim.dataDir}/secret.txt`), "victim-secret-4711");
  await assert.rejects(Deno.stat(`${victim.dataDir}/planted.txt`), Deno.errors.NotFound);
  await host.assertNeighbourServes();
  return { victimUid, thiefUid };
}

/** The uids of every process below `pid` past the launcher and bubblewrap: the plugin's own. */
async function treeUids(pid: number): Promise<number[]> {
  const uids = new Set<number>();
  const walk = async (p: number): Promise<void> => {
    const status = await Deno.readTextFile(`/proc/${p}/status`).catch(() => "");
    const name = /^Name:\s*(\S+)/m.exec(status)?.[1];
    const uid = Number(/^Uid:\s*(\d+)/m.exec(status)?.[1]);
    if (name === "deno") uids.add(uid);
    const children = await Deno.readTextFile(`/proc/${p}/task/${p}/children`).catch(() => "");
    for (const c of children.trim().split(/\s+/).filter(Boolean)) await walk(Number(c));
  };
  await walk(pid);
  return [...uids];
}

Deno.test({
  name: "uids: with the mount namespace widened, a plugin still cannot touch another's $DATA",
  ignore: !root, // only root (or the unit's capabilities, below) can give plugins uids of their own
  ...OPTS,
  async fn() {
    await widenedThief();
  },
});

Deno.test({
  name:
    "uids (as the unit's user): widened mount namespace, a plugin still cannot touch another's $DATA",
  ignore: !AS_UNIT,
  ...OPTS,
  async fn() {
    const { detectSandbox } = await import("../../src/runtime/mod.ts");
    const sandbox = await detectSandbox({ requested: "bwrap" });
    assert.equal(sandbox.uidSwitch, "caps", sandbox.uidReason ?? "no reason given");
    assert.equal(Deno.uid(), UNIT_TEST_UID);
    await widenedThief();
  },
});

Deno.test({
  name:
    "uids under scripts/plugd.service's restrictions: the widened-mount case passes as its non-root user with its capabilities only",
  ignore: !root || AS_UNIT,
  ...OPTS,
  async fn() {
    const unit = await readRepoUnit();
    const bounding = capNames(serviceValue(unit, "CapabilityBoundingSet")) ?? [];
    const ambient = capNames(serviceValue(unit, "AmbientCapabilities")) ?? [];
    assert.ok(ambient.length > 0, "the unit grants ambient capabilities");
    assert.equal(serviceValue(unit, "NoNewPrivileges"), "yes");
    const home = await Deno.makeTempDir({ prefix: "plugd-unit-uids-" });
    try {
      await Deno.chown(home, UNIT_TEST_UID, UNIT_TEST_UID);
      await Deno.chmod(home, 0o711); // like /var/lib: plugin uids pass through to their folders
      const name = "uids (as the unit's user): widened mount namespace, a plugin still cannot " +
        "touch another's $DATA";
      const out = await new Deno.Command("/bin/sh", {
        args: [
          "-c",
          `umask ${serviceValue(unit, "UMask") ?? "0022"} && exec "$@"`,
          "sh",
          "/usr/bin/setpriv",
          `--reuid=${UNIT_TEST_UID}`,
          `--regid=${UNIT_TEST_UID}`,
          "--clear-groups",
          `--bounding-set=${["-all", ...bounding].join(",")}`,
          `--inh-caps=${["-all", ...ambient].join(",")}`,
          `--ambient-caps=${["-all", ...ambient].join(",")}`,
          "--no-new-privs",
          "--",
          Deno.execPath(),
          "test",
          "-A",
          "--no-check",
          "--cached-only",
          `--filter=${name}`,
          new URL(import.meta.url).pathname,
        ],
        clearEnv: true,
        env: {
          PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          HOME: home,
          DENO_DIR: `${home}/deno`,
          TMPDIR: home,
          NO_COLOR: "1",
          PLUGD_TEST_AS_UNIT: "1",
          PLUGD_SECURITY_CANARY: `${home}/canary.json`,
        },
        cwd: new URL("../..", import.meta.url).pathname,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.match(text, /ok \| 1 passed \| 0 failed/, text);
    } finally {
      await Deno.remove(home, { recursive: true }).catch(() => {});
    }
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
