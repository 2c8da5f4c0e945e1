/**
 * Process-level resource caps for plugins: cgroup v1 (memory, cpu, pids) or v2 where writable,
 * else RLIMIT_DATA via `prlimit`. The child joins its cgroup before any plugin code runs: the
 * command is wrapped in `sh -c 'echo $$ > <cgroup>/cgroup.procs; exec "$@"'`, so there is no
 * window in which the plugin runs uncapped (adding the pid after spawn would leave one).
 */
import type { SpawnCommand } from "./types.ts";

/** How caps are enforced on this host. */
export type CapMechanism = "cgroup-v1" | "cgroup-v2" | "rlimit" | "none";

/** Per-plugin limits. */
export interface CapLimits {
  /** The manifest's `limits.memory_mb` (V8 heap); the process cap adds the runtime overhead. */
  memoryMb: number;
}

/** Caps applied to one start; call `release()` after the process exited. */
export interface AppliedCaps {
  command: SpawnCommand;
  /** Effective cap in words, e.g. `cgroup-v1 memory 224 MiB, cpu 50%, pids 64`. */
  description: string;
  /** Current memory use of the whole sandbox in bytes, when the mechanism can tell. */
  memoryUsage(): Promise<number | undefined>;
  release(): Promise<void>;
}

/** The host's capping mechanism. */
export interface ResourceCaps {
  readonly mechanism: CapMechanism;
  apply(name: string, limits: CapLimits, command: SpawnCommand): Promise<AppliedCaps>;
}

/** Options of {@linkcode detectResourceCaps}. */
export interface ResourceCapsOptions {
  /** Added to memory_mb for the cgroup limit: Deno runtime + bwrap resident memory. @default 96 */
  overheadMb?: number;
  /** @default 64 */
  pidsMax?: number;
  /** CPU quota in percent of one core. @default 50 */
  cpuPercent?: number;
  /** Added to memory_mb for RLIMIT_DATA (Deno reserves ~550 MiB of data at start). @default 600 */
  rlimitBaseMb?: number;
  /** @default "/sys/fs/cgroup" */
  cgroupRoot?: string;
  /** Force a mechanism (tests, operators). @default detected */
  mechanism?: CapMechanism;
  /** @default "/usr/bin/prlimit" */
  prlimitPath?: string;
}

const MIB = 1024 * 1024;
const JOIN =
  'for f in "$@"; do [ "$f" = -- ] && break; echo $$ > "$f" || exit 125; shift; done; shift; exec "$@"';

async function exists(p: string): Promise<boolean> {
  try {
    await Deno.stat(p);
    return true;
  } catch {
    return false;
  }
}

async function removeDir(dir: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      await Deno.remove(dir);
      return;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      await new Promise((r) => setTimeout(r, 20)); // processes may still be leaving the cgroup
    }
  }
}

/** Own cgroup path per v1 controller (and `""` for v2) from /proc/self/cgroup. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.trim().split("\n")) {
    const [, ctrls, path] = line.split(":", 3);
    if (ctrls === undefined || path === undefined) continue; // empty or unreadable
    for (const c of ctrls.split(",")) out.set(c, path);
  }
  return out;
}

/**
 * Whether this process may create cgroups below `parent`: an existing folder proves nothing (a
 * root process may have made it; under systemd it is read-only unless the unit delegates).
 */
async function canCreateBelow(parent: string): Promise<boolean> {
  const probe = `${parent}/probe-${Deno.pid}-${INSTANCE}`;
  try {
    await Deno.mkdir(probe);
  } catch {
    return false;
  }
  await removeDir(probe);
  return true;
}

function wrap(procs: string[], c: SpawnCommand): SpawnCommand {
  return { cmd: "/bin/sh", args: ["-c", JOIN, "sh", ...procs, "--", c.cmd, ...c.args], env: c.env };
}

let counter = 0;
/**
 * Unique per isolate: several isolates (test workers, a bench) share one pid, and each has its
 * own `counter`, so pid + counter alone can collide.
 */
const INSTANCE = crypto.randomUUID().slice(0, 8);

async function cgroupV1(o: Required<ResourceCapsOptions>, own: Map<string, string>) {
  const base = (c: string) => `${o.cgroupRoot}/${c}${own.get(c) ?? "/"}`.replace(/\/+$/, "");
  const parents = {
    memory: `${base("memory")}/plugd`,
    cpu: `${base("cpu")}/plugd`,
    pids: `${base("pids")}/plugd`,
  };
  for (const p of Object.values(parents)) {
    await Deno.mkdir(p, { recursive: true });
    if (!await canCreateBelow(p)) throw new Error(`cannot create cgroups below ${p}`);
  }
  return {
    mechanism: "cgroup-v1" as const,
    async apply(name: string, limits: CapLimits, command: SpawnCommand): Promise<AppliedCaps> {
      const leaf = `${name}-${Deno.pid}-${INSTANCE}-${++counter}`;
      const dirs = Object.values(parents).map((p) => `${p}/${leaf}`);
      const [mem, cpu, pids] = dirs as [string, string, string];
      for (const d of dirs) await Deno.mkdir(d);
      const bytes = (limits.memoryMb + o.overheadMb) * MIB;
      await Deno.writeTextFile(`${mem}/memory.limit_in_bytes`, String(bytes));
      if (await exists(`${mem}/memory.memsw.limit_in_bytes`)) {
        await Deno.writeTextFile(`${mem}/memory.memsw.limit_in_bytes`, String(bytes));
      }
      await Deno.writeTextFile(`${cpu}/cpu.cfs_period_us`, "100000");
      await Deno.writeTextFile(`${cpu}/cpu.cfs_quota_us`, String(o.cpuPercent * 1000));
      await Deno.writeTextFile(`${pids}/pids.max`, String(o.pidsMax));
      return {
        command: wrap(dirs.map((d) => `${d}/cgroup.procs`), command),
        description: `cgroup-v1 memory ${bytes / MIB} MiB, cpu ${o.cpuPercent}%, pids ${o.pidsMax}`,
        memoryUsage: async () => {
          try {
            return Number(await Deno.readTextFile(`${mem}/memory.usage_in_bytes`));
          } catch {
            return undefined;
          }
        },
        release: async () => {
          for (const d of dirs) await removeDir(d);
        },
      };
    },
  };
}

async function cgroupV2(o: Required<ResourceCapsOptions>, own: Map<string, string>) {
  const parent = `${o.cgroupRoot}${own.get("") ?? "/"}`.replace(/\/+$/, "");
  const ctl = await Deno.readTextFile(`${parent}/cgroup.subtree_control`);
  if (!/\bmemory\b/.test(ctl) || !/\bpids\b/.test(ctl)) throw new Error("no delegated controllers");
  if (!await canCreateBelow(parent)) throw new Error(`cannot create cgroups below ${parent}`);
  return {
    mechanism: "cgroup-v2" as const,
    async apply(name: string, limits: CapLimits, command: SpawnCommand): Promise<AppliedCaps> {
      const dir = `${parent}/plugd-${name}-${Deno.pid}-${INSTANCE}-${++counter}`;
      await Deno.mkdir(dir);
      const bytes = (limits.memoryMb + o.overheadMb) * MIB;
      await Deno.writeTextFile(`${dir}/memory.max`, String(bytes));
      await Deno.writeTextFile(`${dir}/memory.swap.max`, "0").catch(() => {});
      await Deno.writeTextFile(`${dir}/pids.max`, String(o.pidsMax));
      if (/\bcpu\b/.test(ctl)) {
        await Deno.writeTextFile(`${dir}/cpu.max`, `${o.cpuPercent * 1000} 100000`);
      }
      return {
        command: wrap([`${dir}/cgroup.procs`], command),
        description: `cgroup-v2 memory ${bytes / MIB} MiB, pids ${o.pidsMax}`,
        memoryUsage: async () => Number(await Deno.readTextFile(`${dir}/memory.current`)),
        release: () => removeDir(dir),
      };
    },
  };
}

function rlimit(o: Required<ResourceCapsOptions>): ResourceCaps {
  return {
    mechanism: "rlimit",
    apply(_name: string, limits: CapLimits, command: SpawnCommand): Promise<AppliedCaps> {
      const bytes = (limits.memoryMb + o.rlimitBaseMb) * MIB;
      return Promise.resolve({
        command: {
          cmd: o.prlimitPath,
          args: [`--data=${bytes}`, "--", command.cmd, ...command.args],
          env: command.env,
        },
        description: `RLIMIT_DATA ${bytes / MIB} MiB (no cpu/pids cap)`,
        memoryUsage: () => Promise.resolve(undefined),
        release: () => Promise.resolve(),
      });
    },
  };
}

/** Pick the best mechanism this host offers (cgroup v1 → v2 → RLIMIT_DATA). */
export async function detectResourceCaps(options: ResourceCapsOptions = {}): Promise<ResourceCaps> {
  const o: Required<ResourceCapsOptions> = {
    overheadMb: 96,
    pidsMax: 64,
    cpuPercent: 50,
    rlimitBaseMb: 600,
    cgroupRoot: "/sys/fs/cgroup",
    mechanism: "cgroup-v1",
    prlimitPath: "/usr/bin/prlimit",
    ...options,
  };
  if (options.mechanism === "none") {
    return {
      mechanism: "none",
      apply: (_n, _l, command) =>
        Promise.resolve({
          command,
          description: "no process-level cap",
          memoryUsage: () => Promise.resolve(undefined),
          release: () => Promise.resolve(),
        }),
    };
  }
  if (options.mechanism === "rlimit") return rlimit(o);
  const own = parseProcCgroup(await Deno.readTextFile("/proc/self/cgroup").catch(() => ""));
  if (!options.mechanism || options.mechanism === "cgroup-v1") {
    try {
      if (own.has("memory") && own.has("pids")) return await cgroupV1(o, own);
    } catch { /* not writable: try the next mechanism */ }
  }
  if (!options.mechanism || options.mechanism === "cgroup-v2") {
    try {
      return await cgroupV2(o, own);
    } catch { /* no delegated v2 controllers */ }
  }
  return rlimit(o);
}
