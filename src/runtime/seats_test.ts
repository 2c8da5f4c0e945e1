/**
 * Seats (`processRunner({ seats })`): a seat waits inside cgroups of its own before it is told
 * what to run, the command it runs ends up with exactly the plugin's cgroups and limits, its
 * secret arguments still come on fd 3 from a file that is then gone, and a seat whose daemon
 * died ends.
 */
import assert from "node:assert/strict";
import { type CapsFacts, capsPlan } from "./caps_plan.ts";
import type { LaunchPlan } from "./launch_plan.ts";
import { launcherArgv, SEAT_NAME } from "./launcher.ts";
import { processRunner } from "./process_runner.ts";
import { detectResourceCaps, releaseResourceCaps } from "./resource_caps.ts";
import type { RunningChild } from "./runner.ts";

const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;

/** A stand-in for the state dir's launch folder (0700), removed at dispose. */
async function launchFolder(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "plugd-launch-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** The seat folders (`seats-<pid>-…`) in `dir`. */
function seatFolders(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("seats-"));
}

async function waitFor<T>(probe: () => T | null | Promise<T | null>, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const v = await probe();
    if (v !== null && v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function v1Facts(): Promise<(CapsFacts & { mechanism: "cgroup-v1" }) | null> {
  const facts = await detectResourceCaps({ instance: `seats-${crypto.randomUUID().slice(0, 8)}` });
  if (facts.mechanism === "cgroup-v1") return facts;
  await releaseResourceCaps(facts);
  return null;
}

/** A launch plan; `secret` goes in an arguments file in `secret.dir` (the launch folder). */
function plan(
  facts: CapsFacts,
  id: string,
  command: string[],
  secret?: { dir: string; args: string[] },
): LaunchPlan {
  const caps = capsPlan(facts, id, { memoryMb: 64, tmpMb: 16, cpuPercent: 30 });
  const argsFile = secret && { path: `${secret.dir}/${id}.args`, args: secret.args };
  return {
    argv: launcherArgv(command, { cgroupProcs: caps.cgroupProcs, argsFile: argsFile?.path }),
    env: {},
    envNames: [],
    cgroups: caps.cgroups,
    caps: caps.description,
    cpuQuota: caps.cpuQuota,
    afterReady: caps.afterReady,
    paths: { data: "/tmp", tmp: "/tmp" },
    quota: {},
    ...(argsFile ? { argsFile } : {}),
  };
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) out += decoder.decode(chunk, { stream: true });
  return out;
}

/** Runs `child` to its end: its stdout, once it exited and released its cgroups. */
async function finish(child: RunningChild): Promise<string> {
  await child.stdin.close().catch(() => {});
  const [out] = await Promise.all([text(child.stdout), text(child.stderr)]);
  await child.status;
  await child.released;
  return out;
}

/** The pids in the cgroup folders named `.seat-*` under `parent`. */
function seatPids(parent: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of Deno.readDirSync(parent)) {
    if (!e.isDirectory || !e.name.startsWith(".seat-")) continue;
    const procs = Deno.readTextFileSync(`${parent}/${e.name}/cgroup.procs`).trim();
    for (const pid of procs.split("\n").filter(Boolean)) out.set(pid, e.name);
  }
  return out;
}

/** Waits for its stdin to close (a plugin lives past its ready), then shows where it runs. */
const SHOW = [
  "read -r line",
  "cat /proc/self/cgroup",
  'echo "mem $(cat "$MEM/memory.limit_in_bytes") pids $(cat "$PIDS/pids.max")"',
  'echo "fd3 $(tr "\\0" " " <&3)"',
].join("; ");

Deno.test(
  "a seat waits in its own cgroups; what it runs has the plugin's cgroups, limits and fd 3",
  OPTS,
  async () => {
    const facts = await v1Facts();
    if (!facts) return; // seats need cgroup v1 (renaming cgroup folders)
    const { memory, cpu, pids } = facts.parents;
    await using launch = await launchFolder();
    await using runner = processRunner({ seats: 1, seatDir: launch.path });
    try {
      // The first start has no seat (it teaches the runner where cgroups go) and runs cold.
      const show = (id: string) =>
        plan(facts, id, [
          "/usr/bin/env",
          `MEM=${memory}/${id}`,
          `PIDS=${pids}/${id}`,
          "/bin/sh",
          "-c",
          SHOW,
        ], { dir: launch.path, args: ["--setenv", "TOKEN", "s3cret"] });
      const coldPlan = show("cold");
      const cold = await runner.start(coldPlan);
      await cold.ready();
      const coldOut = await finish(cold);
      // Ready once the runner read its `ready` line, which comes after its cgroup joins.
      const seatPid = await waitFor(
        () => runner.readySeats() === 1 ? [...seatPids(pids).keys()][0] ?? null : null,
        "a ready seat",
      );
      assert.equal(runner.readySeats(), 1);

      // Before it is told anything, the seat is in a cgroup of its own in every hierarchy, and
      // `ps` shows it as a seat, with no secret on its command line.
      for (const parent of [memory, cpu, pids]) {
        assert.equal(seatPids(parent).has(seatPid), true, `the seat is in a cgroup of ${parent}`);
      }
      const cmdline = Deno.readTextFileSync(`/proc/${seatPid}/cmdline`).split("\0");
      assert.equal(cmdline.includes(SEAT_NAME), true, cmdline.join(" "));
      assert.equal(cmdline.join(" ").includes("s3cret"), false);

      const seatedPlan = show("seated");
      const seated = await runner.start(seatedPlan);
      assert.equal(String(seated.pid), seatPid, "the start took the seat");
      // The command file the seat sourced is gone once the command is ready (the runner deletes it).
      const commandFiles = () =>
        seatFolders(launch.path).flatMap((f) =>
          [...Deno.readDirSync(`${launch.path}/${f}`)].map((e) => e.name)
        );
      // A plugin is ready only after its handshake, long after the seat sourced its command file
      // and exec'd; this plan has no handshake, so wait for that exec before calling it ready.
      await waitFor(() => {
        const now = Deno.readTextFileSync(`/proc/${seatPid}/cmdline`).split("\0");
        return now.includes(SEAT_NAME) ? null : true;
      }, "the seat to run its command");
      await seated.ready();
      assert.deepEqual(commandFiles(), [], "no command file once ready");
      const quota = Deno.readTextFileSync(`${cpu}/seated/cpu.cfs_quota_us`).trim();
      const out = await finish(seated);

      // The same cgroups (named after the plugin), the same limits and the same fd 3 as cold.
      const lines = (o: string, id: string) =>
        o.split("\n").filter((l) => /:(memory|cpu|pids):/.test(l)).map((l) => l.replace(id, "ID"))
          .sort();
      assert.deepEqual(lines(out, "seated"), lines(coldOut, "cold"));
      assert.equal(lines(out, "seated").length, 3, out);
      for (const l of lines(out, "seated")) assert.match(l, /\/ID$/);
      const tail = (o: string) => o.split("\n").filter((l) => /^(mem|fd3) /.test(l));
      assert.deepEqual(tail(out), tail(coldOut));
      assert.deepEqual(tail(out), [
        `mem ${(64 + facts.overheadMb + 16) * 1024 * 1024} pids ${facts.pidsMax}`,
        "fd3 --setenv TOKEN s3cret ",
      ]);
      assert.equal(quota, "30000", "the plugin's cpu quota, once ready");
      await assert.rejects(Deno.stat(seatedPlan.argsFile!.path), Deno.errors.NotFound);
      await assert.rejects(Deno.stat(`${pids}/seated`), Deno.errors.NotFound, "released");
    } finally {
      await runner[Symbol.asyncDispose]();
      await releaseResourceCaps(facts);
    }
  },
);

Deno.test(
  "a seat whose daemon is gone ends, its cgroups can go, its folder is swept",
  OPTS,
  async () => {
    const facts = await v1Facts();
    if (!facts) return;
    const { pids } = facts.parents;
    await using launch = await launchFolder();
    // A daemon stand-in: a runner with a seat, started once, killed with SIGKILL.
    const code = `
    import { processRunner } from "${new URL("./process_runner.ts", import.meta.url).href}";
    import { launcherArgv } from "${new URL("./launcher.ts", import.meta.url).href}";
    const runner = processRunner({ seats: 1, seatDir: ${JSON.stringify(launch.path)} });
    const dir = ${JSON.stringify(`${pids}/first`)};
    const child = await runner.start({
      argv: launcherArgv(["/bin/true"], { cgroupProcs: [dir + "/cgroup.procs"] }), env: {},
      envNames: [], cgroups: [{ dir, files: [] }], caps: "", cpuQuota: false, afterReady: [],
      paths: { data: "/tmp", tmp: "/tmp" }, quota: {},
    });
    await child.ready();
    await child.status;
    console.log("started");
    setInterval(() => {}, 1000);
  `;
    const daemon = new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    try {
      const seatPid = await waitFor(() => [...seatPids(pids).keys()][0] ?? null, "a seat");
      daemon.kill("SIGKILL");
      await daemon.status;
      await waitFor(() => {
        try {
          const stat = Deno.readTextFileSync(`/proc/${seatPid}/stat`);
          return stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z" ? "zombie" : null;
        } catch {
          return "gone";
        }
      }, "the seat to end");
      assert.equal(seatPids(pids).size, 0, "no process is left in a seat's cgroup");
      // Its command folder is in the launch folder it was given (not in $TMPDIR), left by the kill;
      // the next runner on that folder sweeps it as it starts, before any start of its own.
      const left = seatFolders(launch.path);
      assert.deepEqual(left.map((n) => n.split("-")[1]), [String(daemon.pid)]);
      await processRunner({ seats: 1, seatDir: launch.path })[Symbol.asyncDispose]();
      assert.deepEqual(seatFolders(launch.path), [], "the killed runner's folder was swept");
    } finally {
      try {
        daemon.kill("SIGKILL");
      } catch { /* ended */ }
      await daemon.stdout.cancel();
      await daemon.status;
      await releaseResourceCaps(facts);
    }
  },
);

Deno.test(
  "a seat killed while it waited is not taken: the start goes the cold way",
  OPTS,
  async () => {
    const facts = await v1Facts();
    if (!facts) return;
    const { pids } = facts.parents;
    await using launch = await launchFolder();
    await using runner = processRunner({ seats: 1, seatDir: launch.path });
    try {
      const first = await runner.start(plan(facts, "first", ["/bin/true"]));
      await first.ready();
      await finish(first);
      const seatPid = await waitFor(() => [...seatPids(pids).keys()][0] ?? null, "a seat");
      await waitFor(() => runner.readySeats() === 1 || null, "the seat ready");
      Deno.kill(Number(seatPid), "SIGKILL");
      await waitFor(() => runner.readySeats() === 0 || null, "the runner to see it ended");
      const next = await runner.start(plan(facts, "next", ["/bin/sh", "-c", "echo ran"]));
      assert.notEqual(String(next.pid), seatPid);
      assert.equal(await finish(next), "ran\n");
      assert.equal((await next.status).code, 0);
    } finally {
      await runner[Symbol.asyncDispose]();
      await releaseResourceCaps(facts);
    }
  },
);

Deno.test(
  "a lone start's seat is replaced while that plugin starts, before it is ready",
  OPTS,
  async () => {
    const facts = await v1Facts();
    if (!facts) return;
    await using launch = await launchFolder();
    await using runner = processRunner({ seats: 1, seatDir: launch.path });
    try {
      const first = await runner.start(plan(facts, "first", ["/bin/true"]));
      await first.ready();
      await finish(first);
      await waitFor(() => runner.readySeats() === 1 || null, "the seat ready");
      // `cat` waits on its stdin: the start is neither ready nor over while the seat refills.
      const lone = await runner.start(plan(facts, "lone", ["/bin/cat"]));
      let over = false;
      lone.status.finally(() => over = true);
      await waitFor(() => runner.readySeats() === 1 || null, "a new seat before ready");
      assert.equal(over, false, "the start is still in flight");
      await lone.ready();
      assert.equal(await finish(lone), "");
      assert.equal((await lone.status).code, 0);
    } finally {
      await runner[Symbol.asyncDispose]();
      await releaseResourceCaps(facts);
    }
  },
);
