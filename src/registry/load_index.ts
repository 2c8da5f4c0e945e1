/** Loading and checking a registry index from a file path or an http(s) URL. */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type LoadedIndex, RegistryError, type RegistryIndex } from "./types.ts";

/** Largest index accepted, in bytes. */
export const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/** Whether `location` is an http(s) URL. */
export function isHttpUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** Reads a file path, `file:` URL or http(s) URL into bytes (with a size cap). */
export async function readLocation(location: string, maxBytes: number): Promise<Uint8Array> {
  if (isHttpUrl(location)) {
    const response = await fetch(location, { redirect: "follow" });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} from ${location}`);
    }
    const declared = Number(response.headers.get("content-length") ?? 0);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new Error(`${location} is ${declared} bytes; the limit is ${maxBytes}`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw new Error(`${location} exceeds ${maxBytes} bytes`);
    return bytes;
  }
  const path = location.startsWith("file:") ? fileURLToPath(location) : location;
  const info = await Deno.stat(path);
  if (info.size > maxBytes) throw new Error(`${path} is ${info.size} bytes; limit ${maxBytes}`);
  return new Uint8Array(await readFile(path));
}

/**
 * Loads a registry index from a file path or http(s) URL and checks its shape.
 *
 * @example
 * ```ts
 * const { index } = await loadIndex("https://plugins.example.com/index.json");
 * ```
 */
export async function loadIndex(location: string): Promise<LoadedIndex> {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(await readLocation(location, MAX_INDEX_BYTES)));
  } catch (cause) {
    throw new RegistryError(
      "index_unreadable",
      `Cannot load the registry index ${location}: ${(cause as Error).message}; ` +
        "check the path or URL in config registries",
      { cause },
    );
  }
  return { location, index: checkIndex(data, location) };
}

/** Checks an index document's shape; throws RegistryError("index_invalid"). */
export function checkIndex(data: unknown, location = "index"): RegistryIndex {
  const bad = (what: string) =>
    new RegistryError(
      "index_invalid",
      `The registry index ${location} is invalid: ${what}; rebuild it with plugd registry build`,
    );
  const doc = data as RegistryIndex;
  if (!doc || typeof doc !== "object" || doc.format !== 1) throw bad("format must be 1");
  if (!doc.plugins || typeof doc.plugins !== "object") throw bad("plugins must be an object");
  for (const [id, plugin] of Object.entries(doc.plugins)) {
    if (!plugin || typeof plugin.versions !== "object") throw bad(`${id} has no versions`);
    plugin.categories ??= [];
    plugin.tags ??= [];
    plugin.description ??= "";
    for (const [version, entry] of Object.entries(plugin.versions)) {
      if (typeof entry?.url !== "string" || !/^[0-9a-f]{64}$/.test(String(entry.sha256))) {
        throw bad(`${id}@${version} needs url and a sha256 hex digest`);
      }
      entry.plugd ??= "*";
      entry.dependencies ??= {};
      entry.conflicts ??= [];
    }
  }
  return doc;
}
