/**
 * `plugd plugin flags` prints what runs: the argv the daemon reports is, stage by stage, the
 * command line of the running plugin's processes (launcher → bubblewrap → setpriv → deno), the
 * launcher's cgroup is the one the process is in, and a granted variable's value is nowhere on a
 * command line or in the answer, yet the plugin has it.
 */
import assert from "node:assert/strict";
import { LAUNCHER_SCRIPT } from "../../src/runtime/mod.ts";
import { processTree } from "../../src/runtime/_proc_tree.ts";
import { startDaemon } from "../helpers/daemon.ts";
import { installFixtures, socketJson } from "../hooks/_helpers.ts";

const SECRET = "s3cret-canary-value-4711";
const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;

async function cmdline(pid: number): Promise<string[]> {
  const raw = await Deno.readTextFile(`/proc/${pid}/cmdline`);
  return raw.split("\0").slice(0, -1);
}

function isSuffix(part: string[], whole: string[]): boolean {
  return part.length <= whole.length &&
    part.every((a, i) => a === whole[whole.length - part.length + i]);
}

Deno.test(
  "plugin flags equal the running process's /proc/<pid>/cmdline, launcher included",
  OPTS,
  async () => {
    await using daemon = await startDaemon({ env: { TEST_SECRET_CANARY: SECRET } });
    await installFixtures(daemon, ["env-reader"]);
    const flags = await socketJson(daemon, "GET", "/v1/plugins/env-reader/flags");
    assert.equal(flags.status, 200);
    const { argv, env } = flags.body as { argv: string[]; env: string[] };
    assert.deepEqual(env, ["TEST_SECRET_CANARY"], "the variable's name is shown");
    assert.ok(!JSON.stringify(flags.body).includes(SECRET), "never its value");

    // The plugin has the value, sees fixed paths, and no host path.
    const seen = await socketJson(daemon, "POST", "/v1/filters/env.read", { data: {} });
    const answer = (seen.body as { data: Record<string, string> }).data;
    assert.deepEqual(answer, {
      value: SECRET,
      data: "/data",
      tmp: "/tmp",
      execPath: "/plugd/bin/deno",
      cwd: "/data",
    });

    const view = await socketJson(daemon, "GET", "/v1/plugins/env-reader");
    const pid = (view.body as { stats: { pid: number } }).stats.pid;
    const tree = await processTree(pid);
    const lines = await Promise.all(tree.map(cmdline));
    for (const line of lines) {
      assert.ok(isSuffix(line, argv), `${line.join(" ")}\nis not a stage of\n${argv.join(" ")}`);
      assert.ok(!line.join(" ").includes(SECRET), "no value on any command line");
    }
    // The outermost process is the launcher's exec of bubblewrap; the launcher is in front.
    const outer = lines[0]!;
    assert.equal(outer[0], "/usr/bin/bwrap");
    const launcher = argv.slice(0, argv.length - outer.length);
    assert.deepEqual(launcher.slice(0, 4), ["/bin/sh", "-c", LAUNCHER_SCRIPT, "plugd-launch"]);
    assert.equal(launcher.at(-1), "--");
    // Deno itself runs the tail of the same argv.
    assert.ok(lines.some((l) => l[0] === "/plugd/bin/deno" && l[1] === "run"));
    // What the launcher did: the process is in the cgroups it names, the arguments file is gone.
    const cgroups = await Deno.readTextFile(`/proc/${pid}/cgroup`);
    launcher.forEach((a, i) => {
      if (a !== "--cgroup") return;
      const dir = launcher[i + 1]!.replace(/\/cgroup\.procs$/, "");
      const [, controller, path] = /^\/sys\/fs\/cgroup\/([^/]+)(\/.*)$/.exec(dir)!;
      assert.ok(cgroups.split("\n").some((l) => l.includes(controller!) && l.endsWith(path!)));
    });
    const argsFile = launcher[launcher.indexOf("--args-file") + 1]!;
    await assert.rejects(Deno.stat(argsFile), Deno.errors.NotFound);
    if (Deno.uid() === 0) {
      const deno = tree[lines.findIndex((l) => l[0] === "/plugd/bin/deno")]!;
      const status = await Deno.readTextFile(`/proc/${deno}/status`);
      assert.match(status, /^Uid:\s+(\d+)\s+\1\s+\1\s+\1$/m);
      assert.doesNotMatch(status, /^Uid:\s+0\s/m, "the plugin never runs as root");
      assert.match(status, /^CapEff:\s+0+$/m, "and holds no capability");
      assert.match(status, /^CapBnd:\s+0+$/m, "nor any it could regain (bounding set empty)");
    }
  },
);
