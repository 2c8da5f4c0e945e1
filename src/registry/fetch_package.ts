/** Downloading (or copying) a package archive named by an index entry, digest-checked. */
import { createHash } from "node:crypto";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PackageError } from "../signing/mod.ts";
import { boundedStream } from "./bounded_fetch.ts";
import { isHttpUrl } from "./load_index.ts";
import { type IndexVersion, RegistryError } from "./types.ts";

/** Largest archive fetched, in bytes (packages expand to at most 50 MiB). */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

/** Resolves an entry's `url` against the index it came from. */
export function resolveArchiveUrl(url: string, indexLocation: string): string {
  if (isHttpUrl(url) || url.startsWith("file:") || isAbsolute(url)) return url;
  if (isHttpUrl(indexLocation) || indexLocation.startsWith("file:")) {
    return new URL(url, indexLocation).href;
  }
  return join(dirname(indexLocation), url);
}

/**
 * Copies or downloads the archive of `entry` to `destFile` and checks its sha256 before
 * anything else reads it; on a mismatch the file is deleted and PackageError
 * `digest_mismatch` thrown.
 *
 * @example
 * ```ts
 * await fetchPackage(step.entry, step.indexLocation, "/tmp/x.tgz");
 * ```
 */
export async function fetchPackage(
  entry: Pick<IndexVersion, "url" | "sha256">,
  indexLocation: string,
  destFile: string,
  options: { timeoutMs?: number; headers?: HeadersInit } = {},
): Promise<{ path: string; sha256: string }> {
  const source = resolveArchiveUrl(entry.url, indexLocation);
  const hash = createHash("sha256");
  const out = await Deno.open(destFile, { write: true, createNew: true, mode: 0o600 });
  const writer = out.writable.getWriter();
  const take = async (chunk: Uint8Array) => {
    hash.update(chunk);
    await writer.write(chunk);
  };
  try {
    if (isHttpUrl(source)) {
      await boundedStream(source, {
        maxBytes: MAX_ARCHIVE_BYTES,
        timeoutMs: options.timeoutMs,
        // A 64 MiB archive over a slow link: the per-chunk limit catches a stalled registry.
        deadlineMs: 600_000,
        what: "the package archive",
        headers: options.headers,
      }, take);
    } else {
      await copyLocal(source, take);
    }
    await writer.close();
  } catch (error) {
    await writer.abort().catch(() => {});
    await Deno.remove(destFile).catch(() => {});
    if (error instanceof PackageError) throw error;
    if (error instanceof RegistryError) {
      if (error.code !== "too_large") throw error; // timeouts and unreachable registries
      throw new PackageError("too_large", error.message, { cause: error });
    }
    throw new PackageError(
      "bad_package",
      `Cannot fetch ${source}: ${(error as Error).message}; check the registry index`,
      { cause: error },
    );
  }
  const sha256 = hash.digest("hex");
  if (sha256 !== entry.sha256) {
    await Deno.remove(destFile).catch(() => {});
    throw new PackageError(
      "digest_mismatch",
      `${source} has sha256 ${sha256}, but the registry index says ${entry.sha256}: ` +
        "the archive was replaced or corrupted; refused (rebuild the index if you republished)",
    );
  }
  return { path: destFile, sha256 };
}

async function copyLocal(
  source: string,
  take: (chunk: Uint8Array) => Promise<void>,
): Promise<void> {
  const path = source.startsWith("file:") ? fileURLToPath(source) : source;
  let size = 0;
  for await (const chunk of (await Deno.open(path)).readable) {
    size += chunk.length;
    if (size > MAX_ARCHIVE_BYTES) {
      throw new PackageError(
        "too_large",
        `${source} is larger than ${MAX_ARCHIVE_BYTES / 1024 / 1024} MiB; refused`,
      );
    }
    await take(chunk);
  }
}
