/** Per-plugin resource caps as a plan: pure, from the host's detected {@linkcode CapsFacts}. */

/** How caps are enforced on this host. */
export type CapMechanism = "cgroup-v1" | "cgroup-v2" | "rlimit" | "none";

/** Tuning shared by every mechanism. */
export interface CapsTuning {
  /** Added to memory_mb for the cgroup limit: Deno runtime + bwrap resident memory. */
  overheadMb: number;
  pidsMax: number;
  /** CPU quota in percent of one core. */
  cpuPercent: number;
  /** Added to memory_mb for RLIMIT_DATA (Deno reserves ~550 MiB of data at start). */
  rlimitBaseMb: number;
}

/** What {@linkcode detectResourceCaps} found: the mechanism and where its cgroups go. */
export type CapsFacts =
  & CapsTuning
  & (
    | {
      mechanism: "cgroup-v1";
      /** This daemon's parent folder per controller; a plugin's cgroup is `<parent>/<id>`. */
      parents: { memory: string; cpu: string; pids: string };
      /** Whether `memory.memsw.limit_in_bytes` exists (swap accounting). */
      memsw: boolean;
    }
    | { mechanism: "cgroup-v2"; parent: string; cpu: boolean }
    | { mechanism: "rlimit"; prlimitPath: string }
    | { mechanism: "none" }
  );

/** A cgroup folder to create before a start, with the files to write; removed after the exit. */
export interface CgroupDir {
  dir: string;
  files: [name: string, value: string][];
}

/** The caps part of a launch plan. */
export interface CapsPlan {
  /** `cgroup.procs` files the launcher joins before anything else runs. */
  cgroupProcs: string[];
  cgroups: CgroupDir[];
  /** Command prefix (`prlimit --data=...`) for the rlimit mechanism. */
  prefix: string[];
  /** The effective caps in words, e.g. `cgroup-v1 memory 288 MiB, cpu 50%, pids 64`. */
  description: string;
  /** Whether a cgroup cpu quota bounds CPU outside calls. */
  cpuQuota: boolean;
}

const MIB = 1024 * 1024;

/**
 * The caps of one plugin start: its cgroup `<parent>/<pluginId>` with memory (`memory_mb` +
 * overhead + `$TMP`, which is a tmpfs charged to it), cpu and pids limits, or `RLIMIT_DATA`.
 *
 * @example
 * ```ts
 * capsPlan(facts, "hello", { memoryMb: 128, tmpMb: 64 }).description;
 * // "cgroup-v1 memory 288 MiB, cpu 50%, pids 64"
 * ```
 */
export function capsPlan(
  facts: CapsFacts,
  pluginId: string,
  limits: { memoryMb: number; tmpMb: number },
): CapsPlan {
  const none = { cgroupProcs: [], cgroups: [], prefix: [], cpuQuota: false };
  const cgroupMb = limits.memoryMb + facts.overheadMb + limits.tmpMb;
  const bytes = String(cgroupMb * MIB);
  switch (facts.mechanism) {
    case "none":
      return { ...none, description: "no process-level cap" };
    case "rlimit": {
      const mb = limits.memoryMb + facts.rlimitBaseMb;
      return {
        ...none,
        prefix: [facts.prlimitPath, `--data=${mb * MIB}`, "--"],
        description: `RLIMIT_DATA ${mb} MiB (no cpu/pids cap)`,
      };
    }
    case "cgroup-v1": {
      const memory = `${facts.parents.memory}/${pluginId}`;
      const cpu = `${facts.parents.cpu}/${pluginId}`;
      const pids = `${facts.parents.pids}/${pluginId}`;
      const memFiles: [string, string][] = [["memory.limit_in_bytes", bytes]];
      if (facts.memsw) memFiles.push(["memory.memsw.limit_in_bytes", bytes]);
      const cgroups: CgroupDir[] = [
        { dir: memory, files: memFiles },
        {
          dir: cpu,
          files: [["cpu.cfs_period_us", "100000"], [
            "cpu.cfs_quota_us",
            String(facts.cpuPercent * 1000),
          ]],
        },
        { dir: pids, files: [["pids.max", String(facts.pidsMax)]] },
      ];
      return {
        cgroupProcs: cgroups.map((c) => `${c.dir}/cgroup.procs`),
        cgroups,
        prefix: [],
        cpuQuota: true,
        description:
          `cgroup-v1 memory ${cgroupMb} MiB, cpu ${facts.cpuPercent}%, pids ${facts.pidsMax}`,
      };
    }
    case "cgroup-v2": {
      const dir = `${facts.parent}/${pluginId}`;
      const files: [string, string][] = [
        ["memory.max", bytes],
        ["memory.swap.max", "0"],
        ["pids.max", String(facts.pidsMax)],
      ];
      if (facts.cpu) files.push(["cpu.max", `${facts.cpuPercent * 1000} 100000`]);
      const cpu = facts.cpu ? `, cpu ${facts.cpuPercent}%` : "";
      return {
        cgroupProcs: [`${dir}/cgroup.procs`],
        cgroups: [{ dir, files }],
        prefix: [],
        cpuQuota: facts.cpu,
        description: `cgroup-v2 memory ${cgroupMb} MiB${cpu}, pids ${facts.pidsMax}`,
      };
    }
  }
}
