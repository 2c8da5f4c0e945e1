/**
 * Detect, once at daemon start, how this host can cap plugins: cgroup v1 (memory, cpu, pids) or
 * v2 where writable, else RLIMIT_DATA via `prlimit`. The per-plugin part is `capsPlan()`.
 */
import type { CapMechanism, CapsFacts, CapsTuning } from "./caps_plan.ts";
import { markOwner, sweepOrphanCgroups } from "./cgroup_sweep.ts";

/** Options of {@linkcode detectResourceCaps}. */
export interface ResourceCapsOptions extends Partial<Omit<CapsTuning, "cpuBurst">> {
  /**
   * Names this daemon's cgroup folder (`<own cgroup>/plugd/<instance>`), so that daemons (and
   * test hosts) sharing a cgroup never meet. @default a random name
   */
  instance?: string;
  /** @default "/sys/fs/cgroup" */
  cgroupRoot?: string;
  /** Force a mechanism (tests, operators). @default detected */
  mechanism?: CapMechanism;
  /** @default "/usr/bin/prlimit" */
  prlimitPath?: string;
  /**
   * Create (and sweep) this daemon's cgroup folders. `false` only computes where they would be,
   * for a preview such as `plugd plugin flags <dir>`. @default true
   */
  create?: boolean;
  /**
   * Remove empty plugin cgroups left by a previous run of this instance, mark the instance as
   * this process's, and remove the empty cgroups of other instances whose daemon is gone
   * (cgroup_sweep.ts). Off for an instance several processes share (test harnesses), where a
   * neighbour's fresh cgroup may be empty.
   * @default true
   */
  sweep?: boolean;
}

/** Own cgroup path per v1 controller (and `""` for v2) from /proc/<pid>/cgroup. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.trim().split("\n")) {
    const [, ctrls, path] = line.split(":", 3);
    if (ctrls === undefined || path === undefined) continue;
    for (const c of ctrls.split(",")) out.set(c, path);
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  return await Deno.stat(p).then(() => true, () => false);
}

/** Removes leftover (empty) plugin cgroups of a previous run of this instance. */
async function sweep(parent: string): Promise<void> {
  try {
    for await (const e of Deno.readDir(parent)) {
      if (e.isDirectory) await Deno.remove(`${parent}/${e.name}`).catch(() => {});
    }
  } catch { /* nothing to sweep */ }
}

async function cgroupV1(
  root: string,
  own: Map<string, string>,
  instance: string,
  o: { create: boolean; sweep: boolean },
) {
  if (!own.has("memory") || !own.has("pids")) throw new Error("no v1 memory/pids controllers");
  const base = (c: string) => `${root}/${c}${own.get(c) ?? "/"}`.replace(/\/+$/, "");
  const parents = {
    memory: `${base("memory")}/plugd/${instance}`,
    cpu: `${base("cpu")}/plugd/${instance}`,
    pids: `${base("pids")}/plugd/${instance}`,
  };
  const cpuBurst = await exists(`${base("cpu")}/cpu.cfs_burst_us`);
  if (!o.create) {
    await Deno.stat(base("pids"));
    return {
      mechanism: "cgroup-v1" as const,
      parents,
      memsw: await exists(`${base("memory")}/memory.memsw.limit_in_bytes`),
      cpuBurst,
    };
  }
  for (const p of Object.values(parents)) {
    await Deno.mkdir(p, { recursive: true });
    if (o.sweep) await sweep(p);
    // An existing folder proves nothing (root may have made it; under systemd it is read-only
    // unless the unit delegates): create a leaf.
    const probe = `${p}/.probe-${crypto.randomUUID().slice(0, 8)}`;
    await Deno.mkdir(probe);
    await Deno.remove(probe);
    if (o.sweep) {
      await markOwner(p);
      await sweepOrphanCgroups(p.slice(0, p.lastIndexOf("/")), instance);
    }
  }
  const memsw = await exists(`${parents.memory}/memory.memsw.limit_in_bytes`);
  return { mechanism: "cgroup-v1" as const, parents, memsw, cpuBurst };
}

async function cgroupV2(
  root: string,
  own: Map<string, string>,
  instance: string,
  o: { create: boolean; sweep: boolean },
) {
  const mine = `${root}${own.get("") ?? "/"}`.replace(/\/+$/, "");
  const ctl = await Deno.readTextFile(`${mine}/cgroup.subtree_control`);
  if (!/\bmemory\b/.test(ctl) || !/\bpids\b/.test(ctl)) throw new Error("no delegated controllers");
  const parent = `${mine}/plugd-${instance}`;
  const cpu = /\bcpu\b/.test(ctl);
  const cpuBurst = cpu && await kernelHasBurst();
  if (!o.create) return { mechanism: "cgroup-v2" as const, parent, cpu, cpuBurst };
  await Deno.mkdir(parent, { recursive: true });
  if (o.sweep) {
    await sweep(parent);
    await markOwner(parent);
    await sweepOrphanCgroups(mine, instance, { prefix: "plugd-" });
  }
  const enable = ["memory", "pids", ...(/\bcpu\b/.test(ctl) ? ["cpu"] : [])];
  await Deno.writeTextFile(
    `${parent}/cgroup.subtree_control`,
    enable.map((c) => `+${c}`).join(" "),
  );
  return { mechanism: "cgroup-v2" as const, parent, cpu, cpuBurst };
}

/** Linux 5.14 added CPU bandwidth bursts. */
async function kernelHasBurst(): Promise<boolean> {
  const release = await Deno.readTextFile("/proc/sys/kernel/osrelease").catch(() => "");
  const [major = 0, minor = 0] = release.split(".").map((n) => parseInt(n, 10));
  return major > 5 || (major === 5 && minor >= 14);
}

/** Picks the best mechanism this host offers (cgroup v1 → v2 → RLIMIT_DATA). */
export async function detectResourceCaps(options: ResourceCapsOptions = {}): Promise<CapsFacts> {
  const tuning: CapsTuning = {
    overheadMb: options.overheadMb ?? 96,
    pidsMax: options.pidsMax ?? 64,
    cpuPercent: options.cpuPercent ?? 50,
    cpuPercentMax: options.cpuPercentMax ?? 100,
    cpuBurst: false,
    rlimitBaseMb: options.rlimitBaseMb ?? 600,
  };
  const {
    instance = crypto.randomUUID().slice(0, 12),
    cgroupRoot = "/sys/fs/cgroup",
    mechanism,
    prlimitPath = "/usr/bin/prlimit",
    create = true,
    sweep: sweepOld = true,
  } = options;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(instance)) {
    throw new RangeError(`instance must be a short folder name, got "${instance}"`);
  }
  for (
    const [name, v] of [["cpuPercent", tuning.cpuPercent], [
      "cpuPercentMax",
      tuning.cpuPercentMax,
    ]] as const
  ) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${name} must be a positive integer (percent of one core), got ${v}`);
    }
  }
  if (mechanism === "none") return { ...tuning, mechanism };
  const rlimit = { ...tuning, mechanism: "rlimit" as const, prlimitPath };
  if (mechanism === "rlimit") return rlimit;
  // /proc/<pid> rather than /proc/self: Deno 2.9 asks for --allow-all to read /proc/self.
  const own = parseProcCgroup(await Deno.readTextFile(`/proc/${Deno.pid}/cgroup`).catch(() => ""));
  if (mechanism === undefined || mechanism === "cgroup-v1") {
    try {
      return {
        ...tuning,
        ...await cgroupV1(cgroupRoot, own, instance, { create, sweep: sweepOld }),
      };
    } catch { /* not writable: try the next mechanism */ }
  }
  if (mechanism === undefined || mechanism === "cgroup-v2") {
    try {
      return {
        ...tuning,
        ...await cgroupV2(cgroupRoot, own, instance, { create, sweep: sweepOld }),
      };
    } catch { /* no delegated v2 controllers */ }
  }
  return rlimit;
}

/** The name of a daemon's cgroup folders (`plugd/<instance>`), from its state dir. */
export async function cgroupInstance(stateDir: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(stateDir));
  return [...new Uint8Array(digest).slice(0, 6)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Removes this daemon's cgroup folders (`plugd/<instance>`) at stop, with any empty plugin cgroup
 * left in them. Without it every daemon run on a new state dir (tests, CI) leaves three empty
 * cgroups behind, and each cpu quota write on the host walks every cgroup there is: with 15,000
 * such leftovers, quota writes took a fifth of a plugin start's host CPU. Tries for up to
 * `waitMs` (plugin cgroups are removed as their processes exit); what is still busy stays.
 */
export async function releaseResourceCaps(
  facts: CapsFacts,
  options: { waitMs?: number } = {},
): Promise<void> {
  const { waitMs = 2000 } = options;
  const dirs = facts.mechanism === "cgroup-v1"
    ? Object.values(facts.parents)
    : facts.mechanism === "cgroup-v2"
    ? [facts.parent]
    : [];
  const deadline = Date.now() + waitMs;
  for (const dir of dirs) {
    for (;;) {
      await sweep(dir);
      const gone = await Deno.remove(dir).then(
        () => true,
        (e) => e instanceof Deno.errors.NotFound,
      );
      if (gone || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
