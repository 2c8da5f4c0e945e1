/** The bubblewrap argument list of a sandbox: pure, deterministic, unit-tested. */
import { unshareArgs } from "./detect_sandbox.ts";

/** Host `src` shown at `dest` inside the sandbox. */
export interface Mount {
  src: string;
  dest: string;
}

/** Inputs of {@linkcode bwrapArgs}; every path absolute. */
export interface BwrapOptions {
  /** The daemon is root: no user namespace (setpriv drops to the plugin's uid inside). */
  root: boolean;
  /** Keep the host's network namespace (the plugin has a `net` grant). */
  shareNet: boolean;
  /** Mount a fresh /proc. @default true */
  mountProc?: boolean;
  /** Read-only binds that must exist. */
  ro: Mount[];
  /** Read-only binds skipped when the source does not exist (granted host paths). @default [] */
  roTry?: Mount[];
  /** Writable binds that must exist. @default [] */
  rw?: Mount[];
  /** Writable binds skipped when missing. @default [] */
  rwTry?: Mount[];
  /** A size-limited tmpfs (mode 1777). */
  tmpfs?: { dest: string; bytes: number };
  /** Environment set after `--clearenv`: never secrets, this is on the command line. @default {} */
  env?: Record<string, string>;
  /** Capabilities kept for the first program (root mode: setpriv's CAP_SETUID/CAP_SETGID). @default [] */
  capAdd?: string[];
  /** Working directory inside. */
  chdir: string;
  /**
   * `--new-session`: the sandbox's pid 1 calls setsid(), so it has no controlling terminal to
   * inject input into. `false` only under the addon keeper, which starts the whole sandbox in a
   * session of its own already and must keep pid 1 in that process group (see launcher.ts).
   * @default true
   */
  newSession?: boolean;
}

const depth = (p: string) => p.split("/").length;

/**
 * Builds the arguments after `bwrap`: namespaces, `--die-with-parent --new-session --clearenv`
 * (no `--new-session` with `newSession: false`), the environment, the tmpfs, the parent folders of
 * every mount (0755), the binds sorted parents first (so a nested mount lands on its parent),
 * `/proc`, `/dev` and the working directory.
 *
 * @example
 * ```ts
 * bwrapArgs({ root: false, shareNet: false, ro: [{ src: "/srv/p", dest: "/plugin" }], chdir: "/" });
 * // ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv", "--ro-bind", "/srv/p", "/plugin", ...]
 * ```
 */
export function bwrapArgs(o: BwrapOptions): string[] {
  const binds: [flag: string, m: Mount][] = [
    ...o.ro.map((m): [string, Mount] => ["--ro-bind", m]),
    ...(o.roTry ?? []).map((m): [string, Mount] => ["--ro-bind-try", m]),
    ...(o.rwTry ?? []).map((m): [string, Mount] => ["--bind-try", m]),
    ...(o.rw ?? []).map((m): [string, Mount] => ["--bind", m]),
  ];
  const seen = new Set<string>();
  const unique = binds.filter(([, m]) => {
    for (const p of [m.src, m.dest]) {
      if (!p.startsWith("/")) throw new TypeError(`mount paths must be absolute, got "${p}"`);
    }
    if (seen.has(m.dest)) return false;
    seen.add(m.dest);
    return true;
  });
  // Stable sort: by depth of the destination, ties keep the order above.
  unique.sort(([, a], [, b]) => depth(a.dest) - depth(b.dest));
  // bubblewrap creates missing parents 0700; as root that hides the mounts from the plugin's
  // uid, so every parent is made first, 0755 (world-readable folders of an empty tmpfs).
  const parents = new Set<string>();
  for (const [, m] of unique) {
    const parts = m.dest.split("/").slice(1, -1);
    parts.forEach((_, i) => parents.add("/" + parts.slice(0, i + 1).join("/")));
  }
  const dirs = [...parents].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  const env = o.env ?? {};
  return [
    ...unshareArgs(o.root, o.shareNet),
    "--die-with-parent",
    ...(o.newSession === false ? [] : ["--new-session"]),
    "--clearenv",
    ...Object.keys(env).sort().flatMap((k) => ["--setenv", k, env[k]!]),
    ...(o.capAdd ?? []).flatMap((c) => ["--cap-add", c]),
    // The tmpfs first: a bind below it (a test's widened mount) lands on top of it.
    ...(o.tmpfs
      ? ["--perms", "1777", "--size", String(o.tmpfs.bytes), "--tmpfs", o.tmpfs.dest]
      : []),
    ...dirs.flatMap((d) => ["--perms", "0755", "--dir", d]),
    ...unique.flatMap(([flag, m]) => [flag, m.src, m.dest]),
    ...(o.mountProc === false ? [] : ["--proc", "/proc"]),
    "--dev",
    "/dev",
    "--chdir",
    o.chdir,
  ];
}
