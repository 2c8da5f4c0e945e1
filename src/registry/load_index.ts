/** Loading and checking a registry index from a file path or an http(s) URL. */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { registryCache } from "./http_cache.ts";
import { type LoadedIndex, RegistryError, type RegistryIndex } from "./types.ts";

/** Largest index accepted, in bytes. */
export const MAX_INDEX_BYTES = 16 * 1024 * 1024;

/** Whether `location` is an http(s) URL. */
export function isHttpUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** Limits of a registry read. */
export interface ReadOptions {
  /** Longest wait for an answer, and between two chunks of it. @default 10000 */
  timeoutMs?: number;
}

/**
 * Reads a file path, `file:` URL or http(s) URL into bytes; the size cap is enforced while the
 * body streams and an http(s) read has time limits (see `boundedFetch`).
 */
export async function readLocation(
  location: string,
  maxBytes: number,
  options: ReadOptions = {},
): Promise<Uint8Array> {
  if (isHttpUrl(location)) {
    const { body } = await registryCache.fetch(location, {
      maxBytes,
      timeoutMs: options.timeoutMs,
      what: "the registry index",
    });
    return body;
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
export async function loadIndex(
  location: string,
  options: ReadOptions = {},
): Promise<LoadedIndex> {
  let data: unknown;
  try {
    const bytes = await readLocation(location, MAX_INDEX_BYTES, options);
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    if (cause instanceof RegistryError) throw cause; // timeouts, size: already clear
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
