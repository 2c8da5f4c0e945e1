/**
 * The command line of a database process: `deno run` of `db_host_main.ts` with the least Deno
 * flags libSQL needs, inside bubblewrap when the daemon has it. libSQL's native addon ignores
 * Deno's file permissions, so the mount namespace is the wall: it holds the system libraries, the
 * daemon's `deno.json`/lock, `node_modules` and this folder read-only, and the one database folder
 * writable: no other plugin's database, no state dir, no network.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** How database processes are contained (the daemon's sandbox mode). */
export interface DbSandbox {
  /** `bwrap`: a mount namespace per process; `flags`: Deno flags only (no wall for the addon). */
  mode: "bwrap" | "flags";
  /** @default "bwrap" on PATH */
  bwrapPath?: string;
  /** @default Deno.execPath() */
  denoPath?: string;
  /** Whether bubblewrap may mount a fresh /proc (not under some systemd hardening). @default true */
  mountProc?: boolean;
  /** Put before the command: drops the daemon's capabilities (under the unit). @default [] */
  prefix?: string[];
}

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository (or install) root holding `deno.json`, `deno.lock` and `node_modules`. */
export const ROOT_DIR: string = join(HERE, "..", "..");
/** The database process's entry module. */
export const DB_HOST_MAIN: string = join(HERE, "db_host_main.ts");

/** The argv (program first) that runs a database process for the folder `dbDir`. */
export function dbHostCommand(sandbox: DbSandbox, dbDir: string): string[] {
  const deno = sandbox.denoPath ?? Deno.execPath();
  const run = [
    deno,
    "run",
    `--config=${join(ROOT_DIR, "deno.json")}`,
    "--quiet",
    "--no-prompt",
    "--cached-only",
    "--frozen",
    "--no-remote",
    "--allow-ffi",
    `--allow-read=${dbDir}`,
    `--allow-write=${dbDir}`,
    "--allow-env=LIBSQL_JS_DEV",
    // node:process.report (used to tell glibc from musl) reads several sys facts.
    "--allow-sys",
    DB_HOST_MAIN,
  ];
  const prefix = sandbox.prefix ?? [];
  if (sandbox.mode !== "bwrap") return [...prefix, ...run];
  const ro = (p: string) => ["--ro-bind", p, p];
  const args = [
    ...prefix,
    sandbox.bwrapPath ?? "bwrap",
    "--unshare-all",
    "--die-with-parent",
    "--new-session",
    ...(Deno.uid() === 0 ? ["--cap-drop", "ALL"] : []),
    // First: later mounts go on top, and plugd itself may live under /tmp.
    "--tmpfs",
    "/tmp",
    ...ro("/usr"),
    ...systemLinks(),
    ...optional("/etc/ld.so.cache"),
    ...(deno.startsWith("/usr/") ? [] : ro(deno)),
    ...ro(join(ROOT_DIR, "deno.json")),
    ...optional(join(ROOT_DIR, "deno.lock")),
    ...ro(join(ROOT_DIR, "node_modules")),
    ...ro(HERE),
    ...(sandbox.mountProc === false ? [] : ["--proc", "/proc"]),
    "--dev",
    "/dev",
    "--bind",
    dbDir,
    dbDir,
    "--chdir",
    dbDir,
    "--clearenv",
    "--setenv",
    "DENO_DIR",
    "/tmp/deno",
    "--setenv",
    "SQLITE_TMPDIR",
    dbDir,
    "--setenv",
    "NO_COLOR",
    "1",
    "--setenv",
    "DENO_NO_UPDATE_CHECK",
    "1",
  ];
  return [...args, ...run];
}

function optional(path: string): string[] {
  try {
    Deno.statSync(path);
    return ["--ro-bind", path, path];
  } catch {
    return [];
  }
}

/** `/lib`, `/lib64`, `/bin`: symlinks into /usr on merged-/usr systems, else bound as they are. */
function systemLinks(): string[] {
  const out: string[] = [];
  for (const p of ["/lib", "/lib64", "/bin", "/sbin"]) {
    try {
      const info = Deno.lstatSync(p);
      if (info.isSymlink) out.push("--symlink", Deno.readLinkSync(p), p);
      else out.push("--ro-bind", p, p);
    } catch { /* absent on this system */ }
  }
  return out;
}
