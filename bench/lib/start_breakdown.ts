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

/** Medians of each step, ms (spawn -> exit), and how many of each ran. */
export type Breakdown = Record<(typeof STEPS)[number], number[]>;

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
export async function startBreakdown(n: number): Promise<Breakdown | null> {
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
    let seq = 0;
    /** plugd's launcher joining a fresh cgroup; `quota`: which cpu files to write at spawn. */
    const inCgroup = async (quota: "none" | "quota" | "burst"): Promise<number> => {
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
        return await run(launcherArgv(bwrapDeno, { cgroupProcs: plan.cgroupProcs }));
      } finally {
        for (const c of plan.cgroups) await Deno.remove(c.dir).catch(() => {});
      }
    };
    for (let i = 0; i < n + 1; i++) {
      const round: [keyof Breakdown, number][] = [
        ["deno", await run(deno)],
        ["bwrap", await run(bwrapTrue)],
        ["bwrap_deno", await run(bwrapDeno)],
        ["launcher_cgroup", await inCgroup("none")],
        ["cgroup_quota_at_spawn", await inCgroup("quota")],
        ["cgroup_quota_burst_at_spawn", await inCgroup("burst")],
      ];
      if (i > 0) { for (const [k, ms] of round) out[k].push(ms); }
    }
    return out;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
