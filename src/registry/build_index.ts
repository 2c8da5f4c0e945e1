/** `plugd registry build`: an index from a folder of signed `.tgz` packages. */
import { basename, join } from "node:path";
import { parseManifest } from "../manifest/mod.ts";
import {
  extractPackage,
  MANIFEST_PATH,
  parsePackageManifest,
  SIGNATURE_PATH,
} from "../signing/mod.ts";
import { fileSha256Hex } from "./_hash.ts";
import type { RegistryIndex } from "./types.ts";

/** Optional `catalog.json` beside the archives: per-plugin categories and tags. */
type CatalogExtras = Record<string, { categories?: string[]; tags?: string[] }>;

/**
 * Reads every `*.tgz` in `dir` (safely extracted to a temp folder), takes its signed manifest
 * and plugin.yaml, and returns the index: urls relative to the index, sha256 of each archive.
 * Categories and tags come from an optional `<dir>/catalog.json`
 * (`{"<id>": {"categories": [...], "tags": [...]}}`), since plugin.yaml has no such keys.
 *
 * @example
 * ```ts
 * const index = await buildIndex("./dist");
 * ```
 */
export async function buildIndex(dir: string): Promise<RegistryIndex> {
  const extras = await readExtras(join(dir, "catalog.json"));
  const index: RegistryIndex = { format: 1, plugins: {} };
  const archives: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".tgz")) archives.push(e.name);
  }
  for (const name of archives.sort()) {
    const tmp = await Deno.makeTempDir({ prefix: "plugd-index-" });
    try {
      const { dir: pkg } = await extractPackage(join(dir, name), join(tmp, "pkg"));
      const signed = parsePackageManifest(await Deno.readFile(join(pkg, MANIFEST_PATH)));
      const plugin = parseManifest(await Deno.readTextFile(join(pkg, "plugin.yaml")));
      let keyId: string | null = null;
      try {
        keyId = JSON.parse(await Deno.readTextFile(join(pkg, SIGNATURE_PATH))).key_id ?? null;
      } catch { /* unsigned */ }
      const entry = index.plugins[plugin.id] ??= {
        description: plugin.description,
        categories: extras[plugin.id]?.categories ?? [],
        tags: extras[plugin.id]?.tags ?? [],
        versions: {},
      };
      if (entry.versions[plugin.version]) {
        throw new Error(`${name} and another archive both hold ${plugin.id}@${plugin.version}`);
      }
      entry.description = plugin.description;
      entry.versions[plugin.version] = {
        url: basename(name),
        sha256: await fileSha256Hex(join(dir, name)),
        plugd: plugin.plugd,
        build: signed.build,
        dependencies: plugin.dependencies.plugins,
        conflicts: plugin.conflicts,
        key_id: keyId,
        permissions: signed.permissions as Record<string, string[]>,
      };
    } catch (error) {
      throw new Error(`Cannot index ${name}: ${(error as Error).message}`, { cause: error });
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  }
  return index;
}

async function readExtras(path: string): Promise<CatalogExtras> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
