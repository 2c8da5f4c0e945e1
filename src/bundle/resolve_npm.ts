/**
 * Resolving a plugin's `dependencies.npm` into a private build folder with Deno's own npm
 * resolver and a lockfile (the plugin's `plugd.lock`: created on first use, honoured after), and
 * refusing packages that cannot be bundled: native addons and install scripts.
 */
import { join } from "node:path";
import { BundleError } from "./errors.ts";

/** One installed npm package. */
export interface InstalledPackage {
  name: string;
  version: string;
  /** Its folder inside the build folder's `node_modules`. */
  dir: string;
  /** `sha512-…` from the lockfile. */
  integrity?: string;
  license?: string;
}

/** A build folder with the dependencies installed. */
export interface ResolvedNpm {
  buildDir: string;
  /** Every package installed (direct and transitive), by `name@version`. */
  packages: Map<string, InstalledPackage>;
}

/** Installs `deps` (name → exact version) into `buildDir`, using and updating `lockFile`. */
export async function resolveNpm(
  deps: Record<string, string>,
  buildDir: string,
  lockFile: string,
): Promise<ResolvedNpm> {
  await Deno.mkdir(buildDir, { recursive: true });
  const imports = Object.fromEntries(
    Object.entries(deps).map(([name, version]) => [name, `npm:${name}@${version}`]),
  );
  await Deno.writeTextFile(
    join(buildDir, "deno.json"),
    JSON.stringify({ imports, nodeModulesDir: "auto" }, null, 2),
  );
  const lock = join(buildDir, "deno.lock");
  const previous = await Deno.readTextFile(lockFile).catch(() => undefined);
  if (previous !== undefined) await Deno.writeTextFile(lock, previous);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["install", "--quiet", `--config=${join(buildDir, "deno.json")}`, `--lock=${lock}`],
    cwd: buildDir,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new BundleError(
      `resolving dependencies.npm failed: ${
        new TextDecoder().decode(out.stderr).trim().slice(0, 2000)
      }`,
    );
  }
  const text = await Deno.readTextFile(lock);
  if (text !== previous) await Deno.writeTextFile(lockFile, text).catch(() => {});
  const integrity = (JSON.parse(text).npm ?? {}) as Record<string, { integrity?: string }>;
  const packages = new Map<string, InstalledPackage>();
  const store = join(buildDir, "node_modules", ".deno");
  for await (const entry of Deno.readDir(store)) {
    const m = /^(.+)@(\d[^@]*)$/.exec(entry.name);
    if (!entry.isDirectory || !m) continue;
    const name = m[1]!.replace("+", "/");
    const dir = join(store, entry.name, "node_modules", name);
    const pkg = JSON.parse(await Deno.readTextFile(join(dir, "package.json")).catch(() => "{}"));
    const version = String(pkg.version ?? m[2]);
    const installed: InstalledPackage = {
      name,
      version,
      dir,
      integrity: integrity[`${name}@${version}`]?.integrity,
      license: typeof pkg.license === "string" ? pkg.license : undefined,
    };
    await refuseUnbundlable(installed, pkg);
    packages.set(`${name}@${version}`, installed);
  }
  return { buildDir, packages };
}

const SCRIPTS = ["preinstall", "install", "postinstall"];

/** Native addons and install scripts cannot run in a plugin: refused, naming the package. */
async function refuseUnbundlable(p: InstalledPackage, pkg: Record<string, unknown>): Promise<void> {
  const who = `npm dependency ${p.name}@${p.version}`;
  const scripts = (pkg.scripts ?? {}) as Record<string, unknown>;
  const script = SCRIPTS.find((s) => typeof scripts[s] === "string");
  if (script) {
    throw new BundleError(
      `${who} has an install script ("${script}": ${JSON.stringify(scripts[script])}); plugd ` +
        "plugins cannot use packages that run code at install: choose another package",
      p.name,
    );
  }
  if (pkg.gypfile === true) {
    throw new BundleError(
      `${who} builds a native addon (gypfile); plugins cannot load native code`,
      p.name,
    );
  }
  const native = await findNative(p.dir);
  if (native) {
    throw new BundleError(
      `${who} contains a native addon (${native}); plugins cannot load native code: choose a ` +
        "pure JavaScript package",
      p.name,
    );
  }
}

async function findNative(dir: string, depth = 0): Promise<string | undefined> {
  if (depth > 8) return undefined;
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && (e.name.endsWith(".node") || e.name === "binding.gyp")) return e.name;
    if (e.isDirectory && e.name !== "node_modules") {
      const found = await findNative(join(dir, e.name), depth + 1);
      if (found) return `${e.name}/${found}`;
    }
  }
  return undefined;
}
