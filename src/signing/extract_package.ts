/**
 * Safe extraction of a plugin package archive (`.tgz`). Everything is checked while streaming,
 * from the gzip layer and the tar headers, before a single file is written: a hostile archive
 * is refused early and leaves nothing behind.
 */
import { Buffer } from "node:buffer";
import { dirname, join } from "node:path";
import type * as Tar from "tar";
import { PackageError } from "./errors.ts";
import { isSafeRelPath } from "./package_manifest.ts";

/** Limits of {@link extractPackage}. */
export interface ExtractLimits {
  /** Most entries (files and folders). @default 2000 */
  maxFiles?: number;
  /** Largest total uncompressed size of the files, in bytes. @default 50 MiB */
  maxBytes?: number;
  /** Largest ratio of uncompressed tar bytes to archive bytes (above 1 MiB). @default 100 */
  maxRatio?: number;
}

/** Uncompressed bytes below which the ratio is not checked (tiny packages compress well). */
const RATIO_FLOOR_BYTES = 1024 * 1024;
const PREFIX = "package/";
const FIX = 'rebuild the package with "plugd plugin pack"';

interface Collected {
  files: Map<string, Uint8Array[]>;
  dirs: Set<string>;
}

/**
 * Extracts `tgzPath` (files under `package/`) into `destDir`, which must not exist yet or be
 * empty. Refuses, each with a {@link PackageError}: links, devices and fifos, absolute paths,
 * `..`, NUL bytes, duplicate or case-colliding names (`unsafe_entry`), more than `maxFiles`
 * entries (`too_many_files`), more than `maxBytes` uncompressed or a compression ratio over
 * `maxRatio` (`too_large`), and corrupt archives (`bad_package`).
 *
 * @example
 * ```ts
 * const { dir } = await extractPackage("hello-1.0.0.tgz", "/tmp/x");
 * ```
 */
export async function extractPackage(
  tgzPath: string,
  destDir: string,
  limits: ExtractLimits = {},
): Promise<{ dir: string }> {
  const { maxFiles = 2000, maxBytes = 50 * 1024 * 1024, maxRatio = 100 } = limits;
  for (const [name, v] of Object.entries({ maxFiles, maxBytes, maxRatio })) {
    if (!(typeof v === "number" && v > 0)) throw new RangeError(`${name} must be positive`);
  }
  const collected = await readArchive(tgzPath, { maxFiles, maxBytes, maxRatio });
  await writeOut(collected, destDir);
  return { dir: await Deno.realPath(destDir) };
}

async function readArchive(
  tgzPath: string,
  limits: Required<ExtractLimits>,
): Promise<Collected> {
  const archiveBytes = (await Deno.stat(tgzPath)).size;
  const collected: Collected = { files: new Map(), dirs: new Set() };
  const folded = new Map<string, string>(); // case-folded path -> path
  let failure: Error | null = null;
  let entries = 0;
  let declared = 0;
  let received = 0;
  const fail = (error: Error) => {
    failure ??= error;
  };
  const { Parser } = await import("tar"); // loaded on the first install, not at daemon start
  const parser = new Parser({ strict: true });
  parser.on("warn", (code: string, message: string) => {
    fail(new PackageError("bad_package", `The archive is corrupt (${code}: ${message}); ${FIX}`));
  });
  parser.on("error", (error: Error) => {
    fail(new PackageError("bad_package", `The archive is corrupt (${error.message}); ${FIX}`));
  });
  parser.on("entry", (entry: Tar.ReadEntry) => {
    if (failure) return void entry.resume();
    try {
      if (++entries > limits.maxFiles) {
        throw new PackageError(
          "too_many_files",
          `The package has more than ${limits.maxFiles} entries; ship only what the plugin needs`,
        );
      }
      const rel = checkEntry(entry, folded);
      if (entry.type === "Directory") {
        if (rel) collected.dirs.add(rel);
        return void entry.resume();
      }
      declared += entry.size;
      if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
      const chunks: Uint8Array[] = [];
      collected.files.set(rel, chunks);
      entry.on("data", (chunk: Uint8Array) => {
        received += chunk.length;
        if (received > limits.maxBytes) fail(tooLarge(limits.maxBytes));
        else chunks.push(chunk);
      });
    } catch (error) {
      fail(error as Error);
      entry.resume();
    }
  });

  const file = await Deno.open(tgzPath);
  const reader = file.readable.pipeThrough(new DecompressionStream("gzip")).getReader();
  let inflated = 0;
  try {
    while (!failure) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (cause) {
        throw new PackageError(
          "bad_package",
          `The archive is not a valid .tgz (${(cause as Error).message}); ${FIX}`,
          { cause },
        );
      }
      if (next.done) break;
      const chunk = next.value;
      if (inflated === 0 && isCompressed(chunk)) {
        throw new PackageError("bad_package", `The archive is compressed twice; ${FIX}`);
      }
      inflated += chunk.length;
      // Tar headers and padding add at most ~1.5 KiB per entry on top of the file bytes.
      if (inflated > limits.maxBytes + (limits.maxFiles + 2) * 1536 + 10240) {
        throw tooLarge(limits.maxBytes);
      }
      if (inflated > RATIO_FLOOR_BYTES && inflated > limits.maxRatio * archiveBytes) {
        throw new PackageError(
          "too_large",
          `The archive expands more than ${limits.maxRatio} times (a decompression bomb?); ` +
            "packages of ordinary source files never do: refused",
        );
      }
      // tar parses node Buffers (it uses Buffer methods on each chunk).
      parser.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    if (!failure) parser.end();
  } finally {
    await reader.cancel().catch(() => {});
  }
  if (failure) throw failure;
  if (collected.files.size === 0) {
    throw new PackageError("bad_package", `The archive holds no files under ${PREFIX}; ${FIX}`);
  }
  return collected;
}

function tooLarge(maxBytes: number): PackageError {
  return new PackageError(
    "too_large",
    `The package expands to more than ${maxBytes / 1024 / 1024} MiB; keep large data out of it`,
  );
}

function isCompressed(chunk: Uint8Array): boolean {
  const gzip = chunk[0] === 0x1f && chunk[1] === 0x8b;
  const zstd = chunk[0] === 0x28 && chunk[1] === 0xb5 && chunk[2] === 0x2f && chunk[3] === 0xfd;
  return gzip || zstd;
}

/** Checks one tar entry's type and path; returns its path relative to `package/`. */
function checkEntry(entry: Tar.ReadEntry, folded: Map<string, string>): string {
  const path = entry.path;
  const unsafe = (why: string) =>
    new PackageError("unsafe_entry", `The archive entry ${JSON.stringify(path)} ${why}; refused`);
  switch (entry.type) {
    case "File":
    case "OldFile":
    case "Directory":
      break;
    case "SymbolicLink":
      throw unsafe(`is a symlink to ${JSON.stringify(entry.linkpath)}; packages hold no links`);
    case "Link":
      throw unsafe(`is a hard link to ${JSON.stringify(entry.linkpath)}; packages hold no links`);
    case "CharacterDevice":
    case "BlockDevice":
    case "FIFO":
      throw unsafe(`is a ${entry.type} entry; packages hold only regular files and folders`);
    default:
      throw unsafe(`has unsupported type ${entry.type}; packages hold only files and folders`);
  }
  if (path.includes("\0")) throw unsafe("contains a NUL byte");
  if (path.startsWith("/")) throw unsafe("is an absolute path");
  if (path.split(/[\\/]/).includes("..")) throw unsafe('contains ".." (path traversal)');
  const trimmed = entry.type === "Directory" ? path.replace(/\/+$/, "") : path;
  if (trimmed === "package" && entry.type === "Directory") return "";
  if (!trimmed.startsWith(PREFIX)) throw unsafe(`is outside the ${PREFIX} folder`);
  const rel = trimmed.slice(PREFIX.length);
  if (!isSafeRelPath(rel)) throw unsafe("is not a plain relative path");
  // Folders are recorded as "name/", so a file and a folder of one name also collide.
  const parts = rel.split("/");
  const isDir = entry.type === "Directory";
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join("/");
    const asDir = i < parts.length || isDir;
    const mine = asDir ? `${prefix}/` : prefix;
    const key = prefix.normalize("NFC").toLowerCase();
    const seen = folded.get(key);
    if (seen === undefined) folded.set(key, mine);
    else if (seen === mine && asDir) continue;
    else if (seen === mine) throw unsafe("appears twice");
    else if (seen.replace(/\/$/, "") === prefix) {
      throw unsafe(`uses ${JSON.stringify(prefix)} both as a file and as a folder`);
    } else throw unsafe(`collides with ${JSON.stringify(seen)} (names differ only by case)`);
  }
  return rel;
}

async function writeOut(collected: Collected, destDir: string): Promise<void> {
  await Deno.mkdir(destDir, { recursive: true, mode: 0o755 });
  for await (const _ of Deno.readDir(destDir)) {
    throw new TypeError(`extractPackage(): ${destDir} must be empty`);
  }
  for (const dir of collected.dirs) {
    await Deno.mkdir(join(destDir, dir), { recursive: true, mode: 0o755 });
  }
  for (const [rel, chunks] of collected.files) {
    const target = join(destDir, rel);
    await Deno.mkdir(dirname(target), { recursive: true, mode: 0o755 });
    const size = chunks.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const c of chunks) {
      bytes.set(c, offset);
      offset += c.length;
    }
    await Deno.writeFile(target, bytes, { createNew: true, mode: 0o644 });
  }
}
