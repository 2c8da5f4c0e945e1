/**
 * The named exports of a CommonJS module, found the way Node finds them (`cjs-module-lexer`,
 * following `module.exports = require(...)` re-exports), so a bundle can offer
 * `import { parse } from "semver"` as Node and Deno do.
 */
import { dirname, join } from "node:path";

let ready: Promise<void> | undefined;

/** Whether `path` is an ES module rather than CommonJS (extension, package type, syntax). */
export async function isEsm(path: string, source: string): Promise<boolean> {
  if (path.endsWith(".mjs") || path.endsWith(".mts")) return true;
  if (path.endsWith(".cjs") || path.endsWith(".cts")) return false;
  for (let d = dirname(path); d !== dirname(d); d = dirname(d)) {
    const text = await Deno.readTextFile(join(d, "package.json")).catch(() => undefined);
    if (text === undefined) continue;
    if (JSON.parse(text).type === "module") return true;
    break;
  }
  return /(^|\n)\s*(export\s|import\s*[\w{*"'])/.test(source);
}

/**
 * Named exports of the CommonJS module at `path` (`default` excluded), following re-exports
 * through `resolve(specifier, fromDir)` up to a few levels deep.
 */
export async function cjsExportNames(
  path: string,
  resolve: (specifier: string, fromDir: string) => Promise<string | undefined>,
  depth = 0,
): Promise<string[]> {
  const { init, parse } = await import("cjs-module-lexer"); // loaded on the first use
  await (ready ??= init());
  const source = await Deno.readTextFile(path);
  const { exports, reexports } = parse(source, path);
  const names = new Set(exports.filter((n) => n !== "default" && n !== "__esModule"));
  if (depth < 8) {
    for (const spec of reexports) {
      const target = await resolve(spec, dirname(path));
      if (!target) continue;
      const text = await Deno.readTextFile(target).catch(() => "");
      if (await isEsm(target, text)) continue;
      for (const n of await cjsExportNames(target, resolve, depth + 1)) names.add(n);
    }
  }
  return [...names].sort();
}
