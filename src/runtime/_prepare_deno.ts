/**
 * The `deno` steps of a prepare (info, cache, check, a warm-up run): inside the sandbox's fixed
 * layout in `bwrap` mode, or as the daemon's own user without its capabilities in `flags` mode.
 */
import { bwrapArgs } from "./bwrap_args.ts";
import type { SandboxInfo } from "./detect_sandbox.ts";
import { PluginPrepareError } from "./errors.ts";
import { IN_SANDBOX } from "./sandbox_paths.ts";
import { capsDrop } from "./uid_switch.ts";
import { join } from "./_path.ts";

/** The host folders a prepare's `deno` sees; all absolute. */
export interface PrepareFolders {
  /** The installed plugin folder, read-only (`/plugin`); none for plugd's own warm-up. */
  pluginDir?: string;
  /** The SDK's sources, read-only (`/plugd/sdk`): the type check reads them. */
  sdkDir: string;
  /** The prepared folder, writable (`/plugd/prepared`), whose `cache/` is `DENO_DIR`. */
  preparedDir: string;
}

/** Runs `deno <args>` for a prepare of `folders`; resolves to its stdout, throws on failure. */
export type PrepareDeno = (args: string[]) => Promise<string>;

/**
 * A runner of `deno` for a prepare of `folders` in `sandbox` (flags mode with the running Deno
 * when absent).
 *
 * @example
 * ```ts
 * const deno = prepareDeno(sandbox, { pluginDir, sdkDir, preparedDir });
 * const graph = JSON.parse(await deno(["info", "--json", "/plugd/prepared/bootstrap.ts"]));
 * ```
 */
export function prepareDeno(
  sandbox: SandboxInfo | undefined,
  folders: PrepareFolders,
): PrepareDeno {
  const { pluginDir, sdkDir, preparedDir } = folders;
  if (sandbox?.mode !== "bwrap") {
    return (args) => {
      // No bwrap --die-with-parent here: setpriv's parent-death signal keeps a `deno check`
      // from outliving a daemon killed during an install.
      const denoPath = sandbox?.denoPath ?? Deno.execPath();
      const setpriv = sandbox?.setprivPath ?? "/usr/bin/setpriv";
      return existsSync(setpriv)
        ? run(
          setpriv,
          // Without the daemon's capabilities (the unit's): clearing inheritable clears ambient.
          ["--pdeathsig", "KILL", "--inh-caps=-all", "--", denoPath, ...args],
          join(preparedDir, "cache"),
        )
        : run(denoPath, args, join(preparedDir, "cache"));
    };
  }
  const s = sandbox;
  const at = (src: string, dest: string) => ({ src, dest });
  const bw = bwrapArgs({
    root: s.root,
    shareNet: false,
    mountProc: s.mountProc,
    ro: [
      ...s.libs.map((l) => at(l, l)),
      at(s.denoPath, IN_SANDBOX.deno),
      at(sdkDir, IN_SANDBOX.sdk),
      ...(pluginDir ? [at(pluginDir, IN_SANDBOX.plugin)] : []),
    ],
    rw: [at(preparedDir, IN_SANDBOX.prepared)],
    env: { DENO_DIR: IN_SANDBOX.cache, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    chdir: IN_SANDBOX.prepared,
  });
  const [program, ...prefix] = [...capsDrop(s), s.bwrapPath];
  return (args) => run(program!, [...prefix, ...bw, IN_SANDBOX.deno, ...args]);
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[], cacheDir?: string): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    env: cacheDir ? { DENO_DIR: cacheDir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } : {},
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    const step = ["info", "cache", "check", "run"].find((s) => args.includes(s)) ?? args[0];
    throw new PluginPrepareError(
      `deno ${step} failed: ${text.decode(out.stderr).trim().slice(0, 4000)}`,
    );
  }
  return text.decode(out.stdout);
}
