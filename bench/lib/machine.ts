/** Machine, runtime and source facts recorded with every run. */

/** What `results.json` says about where the figures come from. */
export interface MachineInfo {
  cpu_model: string;
  cores: number;
  memory_mib: number;
  kernel: string;
  os: string;
  deno: string;
  v8: string;
  typescript: string;
  git_commit: string | null;
  git_dirty: boolean | null;
  sandbox: string;
}

async function text(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

async function git(args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/** Reads /proc, `Deno.version` and git. */
export async function machineInfo(): Promise<MachineInfo> {
  const cpuinfo = await text("/proc/cpuinfo");
  const meminfo = await text("/proc/meminfo");
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  const status = await git(["status", "--porcelain"]);
  return {
    cpu_model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memory_mib: Math.round(memKb / 1024),
    kernel: (await text("/proc/sys/kernel/osrelease")).trim() || Deno.osRelease(),
    os: `${Deno.build.os} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    git_commit: await git(["rev-parse", "HEAD"]),
    git_dirty: status === null ? null : status.length > 0,
    sandbox: Deno.env.get("PLUGD_SANDBOX") ?? "bwrap",
  };
}
