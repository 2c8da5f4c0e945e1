/**
 * The cold-start floors, measured in the same run as plugd's cold start: a bare `bwrap … true`
 * (the namespaces plugd asks for, nothing run inside) and a bare `deno run` of an empty cached
 * module, each from spawn to exit. A plugin start cannot cost less than the two added.
 */
import { join } from "node:path";

/** Spawns `cmd args` `n + 1` times (the first uncounted) and returns spawn -> exit in ms. */
async function timeRuns(cmd: string, args: string[], n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n + 1; i++) {
    const t = performance.now();
    const status = await new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    const ms = performance.now() - t;
    if (!status.success) {
      throw new Error(`${cmd} exited ${status.code}: ${new TextDecoder().decode(status.stderr)}`);
    }
    if (i > 0) out.push(ms);
  }
  return out;
}

/** Where bubblewrap is, or null. */
export function bwrapPath(): string | null {
  for (const p of ["/usr/bin/bwrap", "/bin/bwrap"]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* next */ }
  }
  return null;
}

/**
 * `bwrap` with plugd's namespaces (all unshared, a read-only `/usr`, `/proc`, `/dev`, dies with
 * its parent) running `true`: the sandbox's own price.
 */
export function bareBwrapTrue(n: number): Promise<number[]> {
  const bwrap = bwrapPath();
  if (!bwrap) throw new Error("bubblewrap is not installed");
  return timeRuns(bwrap, [...bwrapBaseArgs(), "/usr/bin/true"], n);
}

/** The floor's bubblewrap arguments before the command (also used by the start breakdown). */
export function bwrapBaseArgs(): string[] {
  const args = ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"];
  args.push("--ro-bind", "/usr", "/usr");
  for (const l of ["lib", "lib64", "bin"]) {
    try {
      Deno.lstatSync(`/${l}`);
      args.push("--symlink", `usr/${l}`, `/${l}`);
    } catch { /* not on this host */ }
  }
  args.push("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  return args;
}

/** A bare `deno run` of an empty cached module (no flags beyond plugd's offline ones). */
export async function bareDenoEmpty(n: number): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-bench-floor-" });
  try {
    const script = join(dir, "empty.mjs");
    await Deno.writeTextFile(script, "\n");
    await new Deno.Command(Deno.execPath(), { args: ["cache", "--no-config", script] }).output();
    const args = ["run", "--no-prompt", "--no-config", "--no-remote", "--no-npm", script];
    return await timeRuns(Deno.execPath(), args, n);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
