/**
 * Nothing of a system addon's sandbox outlives the daemon: not when the daemon is SIGKILLed while
 * the script runs, and not when it dies at any step of the sandbox's start (bubblewrap's own
 * `--die-with-parent` is armed late in both of its processes; the keeper closes those windows).
 */
import assert from "node:assert/strict";
import { loadPluginDir } from "../../src/manifest/mod.ts";
import { addonConfigEnv } from "../../src/addons/mod.ts";
import { addonPlan, copyPackage, removePackage } from "../../src/plugins/mod.ts";
import { detectSandbox } from "../../src/runtime/mod.ts";
import { startDaemon } from "../helpers/daemon.ts";
import {
  descendants,
  type HostProcess,
  hostProcesses,
  killAll,
  stillRunning,
} from "../helpers/processes.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { addonOf, ADDONS, installAddon, startOp, waitLong } from "./_addons.ts";

Deno.test("SIGKILL of the daemon during an operation leaves no process of the sandbox", async () => {
  const d = await startDaemon({ env: { PLUGD_ADDON_CHECK_MS: "0" } });
  let tree: Awaited<ReturnType<typeof descendants>> = [];
  try {
    const id = await installAddon(d, `${ADDONS}slow`);
    await startOp(d, id, "install");
    await waitLong(async () => (await addonOf(d, id)).status === "installing", "installing");
    // The whole chain is up once the script's own loop runs inside it.
    tree = await waitLong(async () => {
      const t = await descendants(d.process.pid);
      return t.some((p) => p.cmdline.startsWith("sleep 0.1")) ? t : null;
    }, "the install script to run");
    assert.ok(tree.some((p) => p.cmdline.startsWith("/usr/bin/bwrap")), "a sandbox runs");
  } finally {
    await d.kill();
  }
  const left = await waitFor(
    async () => {
      const running = await stillRunning(tree);
      return running.length === 0 ? "none" : null;
    },
    "every process of the sandbox to end",
    15_000,
  ).catch(async (error) => {
    const running = await stillRunning(tree);
    killAll(running);
    throw new Error(
      `${error.message}:\n${running.map((p) => `${p.pid} ${p.cmdline.slice(0, 160)}`).join("\n")}`,
    );
  });
  assert.equal(left, "none");
});

/** Runs its arguments in the background with `@PARENT@` replaced by its own pid, then waits. */
const PARENT = 'for a; do shift; [ "$a" = @PARENT@ ] && a=$$; set -- "$@" "$a"; done; ' +
  '"$@" </dev/null >/dev/null 2>&1 & wait';

/**
 * The `slow` addon's install operation planned as the daemon plans it (keeper, bubblewrap, the
 * addon's uid as root), started under a stand-in parent (`start()`) whose death the keeper sees.
 */
async function keeperRig() {
  const sandbox = await detectSandbox();
  const { manifest, dir, files } = await loadPluginDir(`${ADDONS}slow`);
  const state = await Deno.makeTempDir({ prefix: "plugd-keeper-" });
  const marker = crypto.randomUUID();
  const paths = {
    pluginDir: `${state}/plugin`,
    preparedDir: `${state}/prepared`,
    dataDir: `${state}/data`,
    tmpDir: `${state}/tmp`,
    launchDir: `${state}/launch`,
    stateDir: `${state}/state`,
    forbiddenPaths: [],
    daemonPort: 7420,
  };
  /** Every process of this rig: the parent, the keeper, bubblewrap and the script. */
  const ours = async () =>
    (await hostProcesses()).filter((p) => p.cmdline.includes(state) || p.environ.includes(marker));
  await copyPackage(dir, paths.pluginDir, files);
  await Deno.mkdir(paths.dataDir, { mode: 0o700 });
  await Deno.mkdir(paths.launchDir, { mode: 0o700 });
  if (sandbox.root) await Deno.chown(paths.dataDir, 65534, 65534);
  const env = addonConfigEnv({ token: marker }, { token: marker });
  const runtime = {
    sandbox,
    caps: {
      mechanism: "none",
      overheadMb: 0,
      pidsMax: 0,
      cpuPercent: 0,
      cpuPercentMax: 0,
      cpuBurst: false,
      rlimitBaseMb: 0,
    },
    uids: null,
    quotas: { dataMb: 100, tmpMb: 64 },
  } as const;
  const plan = addonPlan(
    { id: manifest.id, version: manifest.version, manifest, granted: manifest.permissions },
    runtime,
    paths,
    { args: ["install"], values: env.values, uid: sandbox.root ? 65534 : undefined },
  );
  const argv = plan.argv.map((a, i) => plan.argv[i - 1] === "--parent" ? "@PARENT@" : a);
  assert.ok(argv.includes("@PARENT@"), "the plan runs under the keeper");
  let starts = 0;
  return {
    marker,
    bwrapPath: sandbox.bwrapPath,
    ours,
    /** Starts the operation under a fresh stand-in parent. */
    async start(): Promise<Deno.ChildProcess> {
      // Each start its own arguments file: a killed start's keeper may still be running the `rm`
      // it forked before its parent died, and would delete a shared file under the next start.
      let args = argv;
      if (plan.argsFile) {
        const { path } = plan.argsFile;
        const file = `${path}.${++starts}`;
        const bytes = new TextEncoder().encode(plan.argsFile.args.map((a) => `${a}\0`).join(""));
        await Deno.writeFile(file, bytes, { mode: 0o600 });
        args = argv.map((a) => a === path ? file : a);
      }
      return new Deno.Command("/bin/sh", {
        args: ["-c", PARENT, "parent", ...args],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
    },
    /** Waits (15 s) until none of the rig's processes runs; kills and names any left. */
    async noneLeft(): Promise<void> {
      const left = await waitFor(
        async () => (await ours()).length === 0 ? "none" : null,
        "every sandbox process to end",
        15_000,
      ).catch(async (error) => {
        const running = await ours();
        killAll(running);
        throw new Error(
          `${error.message}:\n${
            running.map((p) => `${p.pid} ${p.cmdline.slice(0, 160)}`).join("\n")
          }`,
        );
      });
      assert.equal(left, "none");
    },
    async [Symbol.asyncDispose]() {
      killAll(await ours());
      await removePackage(paths.pluginDir).catch(() => {});
      await Deno.remove(state, { recursive: true }).catch(() => {});
    },
  };
}

Deno.test("a parent killed at any step of a sandbox's start leaves nothing running", async () => {
  await using rig = await keeperRig();
  // Kills spread over the first ~60 ms of a start: bubblewrap's setup steps.
  for (let i = 0; i < 24; i++) {
    const parent = await rig.start();
    await new Promise((r) => setTimeout(r, (i * 5) % 60));
    killIfRunning(parent);
    await parent.status;
  }
  // And once with the script certainly running (its environment carries the marker).
  const parent = await rig.start();
  await waitFor(
    async () => (await rig.ours()).some((p) => p.environ.includes(rig.marker)),
    "the script",
  );
  killIfRunning(parent);
  await parent.status;
  await rig.noneLeft();
});

Deno.test("every bubblewrap process of an operation stays in the process group its keeper kills", async () => {
  // The keeper's one kill(-group) reaches only what is in the group. bubblewrap's --new-session
  // moved the sandbox's pid 1 out of it (setsid) before pid 1 armed its death signal, so a kill in
  // between left pid 1 and the script running. Checked here on a running operation, whatever the
  // timing: the window itself is microseconds wide.
  await using rig = await keeperRig();
  const parent = await rig.start();
  const tree = await waitFor(async () => {
    const all = await rig.ours();
    return all.some((p) => p.environ.includes(rig.marker) && p.cmdline.startsWith("sleep"))
      ? all
      : null;
  }, "the script's loop");
  // setpriv execs the keeper: the parent's one child.
  const keeper = tree.find((p) => p.ppid === parent.pid && p.cmdline.includes("plugd-keep"));
  assert.ok(keeper, "a keeper runs");
  const leader = tree.find((p) => p.ppid === keeper.pid);
  assert.ok(leader, "the keeper's command runs");
  const below = tree.filter((p) => p.pid !== leader.pid && isBelow(tree, p, leader.pid));
  const bwraps = [leader, ...below].filter((p) => p.cmdline.startsWith(rig.bwrapPath));
  assert.ok(
    bwraps.length >= 2,
    `bubblewrap's outer process and the sandbox's pid 1: ${bwraps.length}`,
  );
  for (const p of [leader, ...below]) {
    assert.equal(p.pgrp, leader.pid, `${p.pid} ${p.cmdline.slice(0, 80)} is in the keeper's group`);
  }
  killIfRunning(parent);
  await parent.status;
  await rig.noneLeft();
});

/** Whether `p` descends from `ancestor` in `tree`. */
function isBelow(tree: HostProcess[], p: HostProcess, ancestor: number): boolean {
  const byPid = new Map(tree.map((t) => [t.pid, t]));
  for (let up = byPid.get(p.ppid); up; up = byPid.get(up.ppid)) {
    if (up.pid === ancestor) return true;
  }
  return false;
}

/** SIGKILL, unless it already ended by itself (a start can fail fast on a loaded machine). */
function killIfRunning(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch (error) {
    if (!/already terminated/.test((error as Error).message)) throw error;
  }
}
