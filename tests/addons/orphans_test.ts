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
import { descendants, hostProcesses, killAll, stillRunning } from "../helpers/processes.ts";
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

Deno.test("a parent killed at any step of a sandbox's start leaves nothing running", async () => {
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
  const ours = async () =>
    (await hostProcesses()).filter((p) => p.cmdline.includes(state) || p.environ.includes(marker));
  try {
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
    const start = async () => {
      if (plan.argsFile) {
        const bytes = new TextEncoder().encode(plan.argsFile.args.map((a) => `${a}\0`).join(""));
        await Deno.writeFile(plan.argsFile.path, bytes, { mode: 0o600 });
      }
      const parent = new Deno.Command("/bin/sh", {
        args: ["-c", PARENT, "parent", ...argv],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      return parent;
    };
    // Kills spread over the first ~60 ms of a start: bubblewrap's setup steps.
    for (let i = 0; i < 24; i++) {
      const parent = await start();
      await new Promise((r) => setTimeout(r, (i * 5) % 60));
      killIfRunning(parent);
      await parent.status;
    }
    // And once with the script certainly running (its environment carries the marker).
    const parent = await start();
    await waitFor(async () => (await ours()).some((p) => p.environ.includes(marker)), "the script");
    killIfRunning(parent);
    await parent.status;

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
  } finally {
    killAll(await ours());
    await removePackage(paths.pluginDir).catch(() => {});
    await Deno.remove(state, { recursive: true }).catch(() => {});
  }
});

/** SIGKILL, unless it already ended by itself (a start can fail fast on a loaded machine). */
function killIfRunning(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch (error) {
    if (!/already terminated/.test((error as Error).message)) throw error;
  }
}
