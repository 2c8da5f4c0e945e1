/**
 * The cold start taken apart, one layer at a time and interleaved (so load hits every step alike):
 * `deno run` of an empty module; `bwrap true`; deno inside bwrap; plugd's launcher joining a fresh
 * cgroup (memory, pids, cpu without quota) around that; the same with the 50 % cpu quota set at
 * spawn (what plugd did before the quota waited for ready); and with a burst allowance. What a
 * plugd start adds on top of the launcher step is module load + handshake.
 */
import { join } from "node:path";
import { capsPlan, detectResourceCaps } from "../../src/runtime/mod.ts";
import { launcherArgv } from "../../src/runtime/launcher.ts";
import { bwrapBaseArgs, bwrapPath } from "./floor_start.ts";

/** Step names, in the order they are layered. */
export const STEPS = [
  "deno",
  "bwrap",
  "bwrap_deno",
  "launcher_cgroup",
  "cgroup_quota_at_spawn",
  "cgroup_quota_burst_at_spawn",
] as const;

/** Each step's samples, ms (spawn -> exit). */
export type Breakdown = Record<(typeof STEPS)[number], number[]>;

/**
 * Per cgroup step, the CPU time the quota withheld during each start (ms, from the cgroup's
 * `cpu.stat`). Unlike wall time this does not depend on the machine's load: it is the tax itself.
 */
export type Throttled = Partial<Breakdown>;

/** Throttled time so far of the cpu cgroup `dir` (v1 `throttled_time` ns, v2 `throttled_usec`). */
async function throttledMs(dir: string): Promise<number> {
  const stat = await Deno.readTextFile(`${dir}/cpu.stat`).catch(() => "");
  const ns = /^throttled_time (\d+)/m.exec(stat)?.[1];
  if (ns !== undefined) return Number(ns) / 1e6;
  const us = /^throttled_usec (\d+)/m.exec(stat)?.[1];
  return us === undefined ? 0 : Number(us) / 1e3;
}

async function run(argv: string[]): Promise<number> {
  const t = performance.now();
  const out = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t;
  if (!out.success) {
    throw new Error(`${argv.join(" ").slice(0, 200)}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return ms;
}

/** Times each step `n` times, interleaved, after one uncounted round. Null without cgroups. */
export async function startBreakdown(
  n: number,
): Promise<{ times: Breakdown; throttled: Throttled } | null> {
  const bwrap = bwrapPath();
  const facts = await detectResourceCaps({ instance: "bench-breakdown" });
  if (!bwrap || (facts.mechanism !== "cgroup-v1" && facts.mechanism !== "cgroup-v2")) return null;
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-breakdown-" });
  try {
    const script = join(dir, "empty.mjs");
    await Deno.writeTextFile(script, "\n");
    const deno = [Deno.execPath(), "run", "--no-prompt", "--no-config", "--no-remote", script];
    // The floor's namespaces and mounts, plus the module's folder and a DENO_DIR on the tmpfs.
    const sandbox = [bwrap, ...bwrapBaseArgs(), "--ro-bind", dir, dir];
    sandbox.push("--setenv", "DENO_DIR", "/tmp/deno");
    const bwrapTrue = [...sandbox, "/usr/bin/true"];
    const bwrapDeno = [...sandbox, ...deno];
    const out: Breakdown = Object.fromEntries(STEPS.map((s) => [s, []])) as unknown as Breakdown;
    const throttled: Throttled = {};
    let seq = 0;
    /** plugd's launcher joining a fresh cgroup; `quota`: which cpu files to write at spawn. */
    const inCgroup = async (
      step: keyof Breakdown,
      quota: "none" | "quota" | "burst",
    ): Promise<number> => {
      const plan = capsPlan(facts, `s${seq++}`, { memoryMb: 128, tmpMb: 64 });
      const early = quota === "none"
        ? []
        : plan.afterReady.filter(([f]) => quota === "burst" || !/burst/.test(f));
      for (const c of plan.cgroups) {
        await Deno.mkdir(c.dir, { recursive: true });
        for (const [file, value] of c.files) await Deno.writeTextFile(`${c.dir}/${file}`, value);
      }
      for (const [file, value] of early) await Deno.writeTextFile(file, value);
      try {
        const ms = await run(launcherArgv(bwrapDeno, { cgroupProcs: plan.cgroupProcs }));
        const cpuDir = plan.cgroups.find((c) =>
          [...c.files, ...(c.defaults ?? [])].some(([f]) => f.startsWith("cpu."))
        )?.dir;
        if (cpuDir) (throttled[step] ??= []).push(await throttledMs(cpuDir));
        return ms;
      } finally {
        for (const c of plan.cgroups) await Deno.remove(c.dir).catch(() => {});
      }
    };
    for (let i = 0; i < n + 1; i++) {
      const round: [keyof Breakdown, number][] = [
        ["deno", await run(deno)],
        ["bwrap", await run(bwrapTrue)],
        ["bwrap_deno", await run(bwrapDeno)],
        ["launcher_cgroup", await inCgroup("launcher_cgroup", "none")],
        ["cgroup_quota_at_spawn", await inCgroup("cgroup_quota_at_spawn", "quota")],
        ["cgroup_quota_burst_at_spawn", await inCgroup("cgroup_quota_burst_at_spawn", "burst")],
      ];
      if (i > 0) { for (const [k, ms] of round) out[k].push(ms); }
      // The warm-up round's throttling is not counted either.
      if (i === 0) { for (const k of Object.keys(throttled)) throttled[k as keyof Breakdown] = []; }
    }
    return { times: out, throttled };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
