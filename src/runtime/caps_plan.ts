/** Per-plugin resource caps as a plan: pure, from the host's detected {@linkcode CapsFacts}. */

/** How caps are enforced on this host. */
export type CapMechanism = "cgroup-v1" | "cgroup-v2" | "rlimit" | "none";

/** Tuning shared by every mechanism. */
export interface CapsTuning {
  /** Added to memory_mb for the cgroup limit: Deno runtime + bwrap resident memory. */
  overheadMb: number;
  pidsMax: number;
  /** CPU quota in percent of one core, for a plugin whose manifest sets no `limits.cpu_percent`. */
  cpuPercent: number;
  /** The most any plugin gets, whatever its manifest asks (the operator's ceiling). */
  cpuPercentMax: number;
  /**
   * Whether the cgroup offers a burst allowance (`cpu.cfs_burst_us` on v1, `cpu.max.burst` on
   * v2; Linux 5.14+): quota a plugin left unused may be spent later in a burst, up to one
   * period's quota, so a hook after idle runs unthrottled while the average stays capped.
   */
  cpuBurst: boolean;
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
  /**
   * Values a new cgroup has already, written only over a folder an earlier process left behind:
   * a fresh one is not touched, since each cpu bandwidth write walks every cgroup on the host.
   * @default []
   */
  defaults?: [name: string, value: string][];
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
  /**
   * Files written once the plugin answered the ready handshake: the CPU quota (and its burst).
   * Until then the quota is off, since Deno's multi-threaded start-up under a 50 % quota costs a
   * start +60 % (the ready timeout bounds what a plugin can burn before it is ready).
   */
  afterReady: [file: string, value: string][];
}

const MIB = 1024 * 1024;

/**
 * The caps of one plugin start: its cgroup `<parent>/<pluginId>` with memory (`memory_mb` +
 * overhead + `$TMP`, which is a tmpfs charged to it), cpu and pids limits, or `RLIMIT_DATA`. The
 * CPU share is `limits.cpuPercent` (the manifest's `limits.cpu_percent`) or the host default,
 * never above the operator's `cpuPercentMax`; it applies from the ready handshake on.
 *
 * @example
 * ```ts
 * capsPlan(facts, "hello", { memoryMb: 128, tmpMb: 64 }).description;
 * // "cgroup-v1 memory 288 MiB, cpu 50% (+50% burst), pids 64"
 * ```
 */
export function capsPlan(
  facts: CapsFacts,
  pluginId: string,
  limits: { memoryMb: number; tmpMb: number; cpuPercent?: number },
): CapsPlan {
  const none = { cgroupProcs: [], cgroups: [], prefix: [], cpuQuota: false, afterReady: [] };
  const cpuPercent = Math.min(limits.cpuPercent ?? facts.cpuPercent, facts.cpuPercentMax);
  const quotaUs = String(cpuPercent * 1000);
  const burst = facts.cpuBurst ? ` (+${cpuPercent}% burst)` : "";
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
        // No quota until ready (see afterReady), the kernel's default 100 ms period; the burst
        // cannot exceed the quota.
        { dir: cpu, files: [], defaults: [["cpu.cfs_quota_us", "-1"]] },
        { dir: pids, files: [["pids.max", String(facts.pidsMax)]] },
      ];
      const afterReady: [string, string][] = [[`${cpu}/cpu.cfs_quota_us`, quotaUs]];
      if (facts.cpuBurst) afterReady.push([`${cpu}/cpu.cfs_burst_us`, quotaUs]);
      return {
        cgroupProcs: cgroups.map((c) => `${c.dir}/cgroup.procs`),
        cgroups,
        prefix: [],
        cpuQuota: true,
        afterReady,
        description:
          `cgroup-v1 memory ${cgroupMb} MiB, cpu ${cpuPercent}%${burst}, pids ${facts.pidsMax}`,
      };
    }
    case "cgroup-v2": {
      const dir = `${facts.parent}/${pluginId}`;
      const files: [string, string][] = [
        ["memory.max", bytes],
        ["memory.swap.max", "0"],
        ["pids.max", String(facts.pidsMax)],
      ];
      const afterReady: [string, string][] = [];
      const defaults: [string, string][] = [];
      if (facts.cpu) {
        defaults.push(["cpu.max", "max 100000"]);
        afterReady.push([`${dir}/cpu.max`, `${quotaUs} 100000`]);
        if (facts.cpuBurst) afterReady.push([`${dir}/cpu.max.burst`, quotaUs]);
      }
      const cpu = facts.cpu ? `, cpu ${cpuPercent}%${burst}` : "";
      return {
        cgroupProcs: [`${dir}/cgroup.procs`],
        cgroups: [{ dir, files, defaults }],
        prefix: [],
        cpuQuota: facts.cpu,
        afterReady,
        description: `cgroup-v2 memory ${cgroupMb} MiB${cpu}, pids ${facts.pidsMax}`,
      };
    }
  }
}
