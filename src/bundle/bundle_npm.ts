/**
 * Bundling the npm packages a plugin imports into `vendor/npm/` of its package, with esbuild:
 * one ES module per imported specifier (`yaml`, `date-fns/format`), shared code in chunks, no
 * `npm:` left anywhere. The plugin's own code is not touched: the daemon maps each specifier to
 * its bundle when it prepares the plugin. Dynamic `require`/`import()` of files a bundle cannot
 * contain is refused, naming the package.
 */
import { join } from "node:path";
import { builtinModules } from "node:module";
import type * as Esbuild from "esbuild";
import { withEsbuild } from "./esbuild_service.ts";
import { cjsExportNames, isEsm } from "./cjs_exports.ts";
import { BundleError } from "./errors.ts";
import type { InstalledPackage, ResolvedNpm } from "./resolve_npm.ts";

/** Where bundles go inside a package, and the file describing them. */
export const VENDOR_DIR = "vendor/npm";
/** `vendor/npm/plugd-deps.json`: the import map entries and the bill of materials. */
export const DEPS_FILE = `${VENDOR_DIR}/plugd-deps.json`;

/**
 * Prepended to every bundle file: Node's globals for code written for Node. `require` for
 * built-ins (CommonJS packages `require("fs")`), `Buffer` and `global`; and a `process` whose
 * `env` reads a variable the plugin was not granted as unset (Node semantics) instead of
 * throwing Deno's permission error.
 */
const BANNER = [
  'import { createRequire as __plugdRequire } from "node:module";',
  'import __plugdProcess from "node:process";',
  'import { Buffer as __plugdBuffer } from "node:buffer";',
  "const __plugdReq = __plugdRequire(import.meta.url);",
  "const Buffer = __plugdBuffer;",
  "const global = globalThis;",
  "const __plugdEnv = (k) => { try { return Deno.env.get(k); } catch { return undefined; } };",
  'const process = new Proxy(__plugdProcess, { get: (t, k) => k === "env" ? new Proxy({}, {',
  '  get: (_, n) => typeof n === "string" ? __plugdEnv(n) : undefined,',
  '  has: (_, n) => typeof n === "string" && __plugdEnv(n) !== undefined,',
  "  set: () => true, ownKeys: () => [], getOwnPropertyDescriptor: () => undefined,",
  "}) : Reflect.get(t, k) });",
  "const require = Object.assign(",
  '  (id) => id === "process" || id === "node:process" ? process : __plugdReq(id),',
  "  { resolve: __plugdReq.resolve, cache: __plugdReq.cache },",
  ");",
].join("\n");

/** One bundled package, as the signed package manifest and `plugd plugin info` list it. */
export interface BundledPackage {
  name: string;
  version: string;
  /** `sha512-…` from the lockfile: what npm published. */
  integrity: string | null;
  license: string | null;
}

/** The contents of {@linkcode DEPS_FILE}. */
export interface DepsFile {
  format: 1;
  /** Specifier → bundle path relative to `vendor/npm/`. */
  imports: Record<string, string>;
  packages: BundledPackage[];
}

/** The package name of a bare specifier: `yaml`, `@scope/pkg` from `@scope/pkg/sub`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** The bare specifiers the plugin's own modules (from `entry`) import, `@plugd/sdk` aside. */
export async function scanImports(packageDir: string, entry: string): Promise<Set<string>> {
  const found = new Set<string>();
  await withEsbuild((esbuild) =>
    esbuild.build({
      entryPoints: [join(packageDir, entry)],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      logLevel: "silent",
      plugins: [{
        name: "plugd-scan",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (!args.path.startsWith("node:") && !args.path.startsWith("@plugd/sdk")) {
              found.add(args.path);
            }
            return { path: args.path, external: true };
          });
        },
      }],
    }).catch((e: Error) => {
      throw new BundleError(`reading the plugin's imports failed: ${e.message}`);
    })
  );
  return found;
}

function safeName(specifier: string): string {
  return specifier.replaceAll("/", "__").replace(/[^A-Za-z0-9@_.-]/g, "_");
}

function owner(
  path: string,
  packages: Map<string, InstalledPackage>,
): InstalledPackage | undefined {
  let best: InstalledPackage | undefined;
  for (const p of packages.values()) {
    if (path.startsWith(`${p.dir}/`) && (!best || p.dir.length > best.dir.length)) best = p;
  }
  return best;
}

/**
 * Bundles `specifiers` from the resolved build folder into `<packageDir>/vendor/npm/` and writes
 * {@linkcode DEPS_FILE}. Returns the packages bundled (direct and transitive).
 */
export async function bundleNpm(
  resolved: ResolvedNpm,
  specifiers: string[],
  packageDir: string,
): Promise<DepsFile> {
  const outdir = join(packageDir, VENDOR_DIR);
  const entries = Object.fromEntries(specifiers.map((s) => [safeName(s), s]));
  const result = await withEsbuild((esbuild) =>
    esbuild.build({
      entryPoints: Object.keys(entries).map((name) => ({ in: `plugd-entry:${name}`, out: name })),
      bundle: true,
      splitting: true,
      format: "esm",
      // ES module builds first ("import", "module"), Node's built-ins as `node:` imports.
      platform: "neutral",
      mainFields: ["module", "main"],
      conditions: ["import", "module", "deno", "node", "default"],
      alias: Object.fromEntries(builtinModules.map((m) => [m, `node:${m}`])),
      target: "esnext",
      outdir,
      absWorkingDir: resolved.buildDir,
      metafile: true,
      logLevel: "silent",
      legalComments: "inline",
      chunkNames: "chunk-[hash]",
      external: ["@plugd/sdk", "node:*"],
      banner: { js: BANNER },
      plugins: [{
        name: "plugd-entries",
        setup(build) {
          build.onResolve({ filter: /^plugd-entry:/ }, (args) => ({
            path: args.path.slice("plugd-entry:".length),
            namespace: "plugd-entry",
          }));
          build.onLoad({ filter: /.*/, namespace: "plugd-entry" }, async (args) => {
            const spec = entries[args.path]!;
            const where = { kind: "import-statement" as const, resolveDir: resolved.buildDir };
            const target = await build.resolve(spec, where);
            if (target.errors.length > 0) return { errors: target.errors };
            return {
              contents: await entrySource(spec, target.path, async (s, fromDir) => {
                const r = await build.resolve(s, { kind: "require-call", resolveDir: fromDir });
                return r.errors.length > 0 || r.external ? undefined : r.path;
              }),
              resolveDir: resolved.buildDir,
              loader: "js",
            };
          });
        },
      }],
    }).catch((e: Esbuild.BuildFailure | Error) => {
      const first = "errors" in e ? e.errors[0] : undefined;
      const file = first?.location?.file;
      const p = file ? owner(join(resolved.buildDir, file), resolved.packages) : undefined;
      throw new BundleError(
        `bundling ${
          p ? `npm dependency ${p.name}@${p.version}` : "the npm dependencies"
        } failed: ` +
          `${first?.text ?? e.message}${file ? ` (${file})` : ""}`,
        p?.name,
      );
    })
  );
  function dynamicLoad(file: string, what: string): BundleError {
    const p = owner(join(resolved.buildDir, file), resolved.packages);
    return new BundleError(
      `npm dependency ${p ? `${p.name}@${p.version}` : "?"} loads code dynamically (${what} in ` +
        `${file}); a bundle cannot contain it, so plugins cannot use it`,
      p?.name,
    );
  }
  for (const w of result.warnings) {
    if (w.id !== "unsupported-require-call" && w.id !== "unsupported-dynamic-import") continue;
    throw dynamicLoad(w.location?.file ?? "", `${w.text} at line ${w.location?.line}`);
  }
  // esbuild keeps a CommonJS `require(variable)` as it is, without a warning: look for it.
  for (const out of Object.keys(result.metafile.outputs)) {
    const text = await Deno.readTextFile(join(resolved.buildDir, out));
    const found = findDynamicLoad(text);
    if (found) throw dynamicLoad(found.source, found.code);
  }
  const used = new Map<string, InstalledPackage>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const p = owner(join(resolved.buildDir, input), resolved.packages);
    if (p) used.set(`${p.name}@${p.version}`, p);
  }
  const deps: DepsFile = {
    format: 1,
    imports: Object.fromEntries(
      Object.entries(entries).map(([name, spec]) => [spec, `./${name}.js`]),
    ),
    packages: [...used.values()]
      .map((p) => ({
        name: p.name,
        version: p.version,
        integrity: p.integrity ?? null,
        license: p.license ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
  await Deno.writeTextFile(join(packageDir, DEPS_FILE), JSON.stringify(deps, null, 2) + "\n");
  return deps;
}

/**
 * The entry module of one specifier's bundle: an ES module re-exports everything; a CommonJS
 * module gets its named exports spelled out (as Node offers them) and its `module.exports` as
 * the default.
 */
async function entrySource(
  spec: string,
  path: string,
  resolve: (specifier: string, fromDir: string) => Promise<string | undefined>,
): Promise<string> {
  const s = JSON.stringify(spec);
  const head = `import * as ns from ${s};\nexport default ns.default;\n`;
  const source = await Deno.readTextFile(path);
  if (await isEsm(path, source)) return `${head}export * from ${s};\n`;
  const names = (await cjsExportNames(path, resolve)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  return head +
    names.map((n, i) => `const __e${i} = ns[${JSON.stringify(n)}];\nexport { __e${i} as ${n} };\n`)
      .join("");
}

/** A dynamic `require(x)` or `import(x)` left in a bundle, with the module it came from. */
export function findDynamicLoad(text: string): { source: string; code: string } | undefined {
  const re = /\b(__require|require|import)\((?!\s*["'`])[^)]{0,80}\)/g;
  for (const m of text.matchAll(re)) {
    if (m[0].startsWith("import(") && /\bimport\(\s*\)/.test(m[0])) continue;
    const before = text.slice(0, m.index);
    const source = [...before.matchAll(/\n\/\/ (\S+)\n/g)].at(-1)?.[1] ?? "";
    // esbuild's own helper defines __require with a parameter: not a load.
    if (!source.includes("node_modules/")) continue;
    return { source, code: m[0] };
  }
  return undefined;
}
