/**
 * First run on a fresh Debian/Ubuntu machine: plugins need bubblewrap. When it is missing and the
 * daemon runs in dev mode (`deno task start`) as root or with sudo, it installs the package with
 * apt-get, saying so; otherwise it starts anyway and says the one command to run. Production
 * installs get bubblewrap from scripts/install.sh; a daemon under systemd cannot install anything.
 */

/** What {@linkcode ensureBubblewrap} found or did. */
export type BubblewrapSetup =
  | { status: "present" }
  | { status: "installed"; command: string }
  | { status: "missing"; fix: string };

/** Options of {@linkcode ensureBubblewrap}; the paths exist to test without touching the host. */
export interface BubblewrapOptions {
  log: (line: string) => void;
  /** Whether this start may install packages (dev mode). */
  mayInstall: boolean;
  /** @default "/usr/bin/bwrap" */
  bwrapPath?: string;
  /** @default "/usr/bin/apt-get" */
  aptGetPath?: string;
  /** @default "/usr/bin/sudo" */
  sudoPath?: string;
  /** @default Deno.uid() */
  uid?: number;
  /** Whether someone can answer sudo's password question. @default stdin is a terminal */
  interactive?: boolean;
}

const PACKAGE = "bubblewrap";

function isExecutable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0) & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function run(argv: string[], inherit: boolean): Promise<{ ok: boolean; out: string }> {
  const child = new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdin: inherit ? "inherit" : "null",
    stdout: "piped",
    stderr: "piped",
  });
  try {
    const r = await child.output();
    const t = new TextDecoder();
    return { ok: r.success, out: (t.decode(r.stdout) + t.decode(r.stderr)).trim() };
  } catch (error) {
    return { ok: false, out: (error as Error).message };
  }
}

/**
 * Makes sure bubblewrap is installed, installing it when allowed and possible. Never throws: the
 * daemon starts either way, and a missing sandbox is reported with the command that fixes it.
 */
export async function ensureBubblewrap(options: BubblewrapOptions): Promise<BubblewrapSetup> {
  const {
    log,
    mayInstall,
    bwrapPath = "/usr/bin/bwrap",
    aptGetPath = "/usr/bin/apt-get",
    sudoPath = "/usr/bin/sudo",
    uid = Deno.uid(),
    interactive = Deno.stdin.isTerminal(),
  } = options;
  if (isExecutable(bwrapPath)) return { status: "present" };
  const hasApt = isExecutable(aptGetPath);
  const asRoot = uid === 0;
  const hasSudo = !asRoot && isExecutable(sudoPath);
  const fix = hasApt
    ? `${asRoot ? "" : "sudo "}apt-get install ${PACKAGE}`
    : `install the "${PACKAGE}" package with your system's package manager`;
  const missing = (why: string): BubblewrapSetup => {
    log(
      `bubblewrap (the sandbox every plugin runs in) is missing, so plugins cannot start${why}. ` +
        `Run: ${fix} — then restart plugd (or send it SIGHUP).`,
    );
    return { status: "missing", fix };
  };
  if (!mayInstall) return missing("");
  if (!hasApt) return missing(" and apt-get is not available here");
  let prefix: string[] = [];
  if (!asRoot) {
    if (!hasSudo) return missing(" and plugd is neither root nor has sudo");
    const passwordless = (await run([sudoPath, "-n", "true"], false)).ok;
    if (!passwordless && !interactive) {
      return missing(" and sudo needs a password but nobody can type it here");
    }
    prefix = passwordless ? [sudoPath, "-n"] : [sudoPath];
  }
  const install = [
    ...prefix,
    aptGetPath,
    "install",
    "-y",
    "-q",
    "--no-install-recommends",
    PACKAGE,
  ];
  const shown = install.map((a) => a.replace(/^\/usr\/bin\//, "")).join(" ");
  log(
    `first run: bubblewrap, the sandbox every plugin runs in, is missing; installing it: ${shown}` +
      (prefix.length === 1 ? " (sudo may ask for your password)" : ""),
  );
  let result = await run(install, prefix.length === 1);
  if (!result.ok) {
    // A fresh machine or container often has no package lists yet.
    log(`apt-get could not install it (${lastLine(result.out)}); updating the package lists first`);
    await run([...prefix, aptGetPath, "update", "-q"], prefix.length === 1);
    result = await run(install, prefix.length === 1);
  }
  if (!result.ok || !isExecutable(bwrapPath)) {
    return missing(` (the install failed: ${lastLine(result.out)})`);
  }
  log(`installed bubblewrap (${bwrapPath}); plugins will run sandboxed`);
  return { status: "installed", command: shown };
}

function lastLine(text: string): string {
  return text.split("\n").filter(Boolean).at(-1)?.slice(0, 200) ?? "no output";
}
