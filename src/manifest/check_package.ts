/** Install-time checks of a plugin package folder's files (SPEC §5). */
import {
  AUTHORING_FILES,
  FORBIDDEN_PACKAGE_NAMES,
  MAX_PACKAGE_BYTES,
  MAX_PACKAGE_FILES,
} from "./constants.ts";
import type { Problem } from "./types.ts";

/** Options of {@link checkPackageProblems}. */
export interface CheckPackageOptions {
  /** Most files and folders accepted. @default MAX_PACKAGE_FILES (1,000) */
  maxFiles?: number;
  /** Largest total size of regular files in bytes. @default MAX_PACKAGE_BYTES (50 MiB) */
  maxBytes?: number;
}

/** What {@link checkPackageProblems} found. */
export interface PackageScan {
  /** Regular files, relative to the folder, `/`-separated, sorted. */
  files: string[];
  /** Sum of the regular files' sizes in bytes. */
  totalBytes: number;
  /** Every problem; `field` is the file's relative path, or `.` for the whole package. */
  problems: Problem[];
}

/**
 * Walks `dir` with `Deno.lstat`/`Deno.readDir`, never following links, and reports
 * symlinks, hardlinks, device/fifo/socket files, `deno.json`, `deno.jsonc`,
 * `package.json`, `node_modules`, `.npmrc`, and too many or too large files. Authoring files
 * at the root (`deno.json`, `deno.jsonc`, `deno.lock`, `node_modules`, `.git`, `.vscode`) are
 * skipped: they are not part of the package.
 *
 * @example
 * ```ts
 * const { files, problems } = await checkPackageProblems("./plugins/hello");
 * ```
 */
export async function checkPackageProblems(
  dir: string,
  options: CheckPackageOptions = {},
): Promise<PackageScan> {
  const { maxFiles = MAX_PACKAGE_FILES, maxBytes = MAX_PACKAGE_BYTES } = options;
  if (!Number.isSafeInteger(maxFiles) || maxFiles < 1) {
    throw new RangeError(
      `checkPackageProblems(): maxFiles must be a positive integer; got ${maxFiles}`,
    );
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new RangeError(
      `checkPackageProblems(): maxBytes must be a positive integer; got ${maxBytes}`,
    );
  }
  const root = dir.replace(/\/+$/, "") || "/";
  const scan: PackageScan = { files: [], totalBytes: 0, problems: [] };
  let entries = 0;
  const pending: string[] = [""]; // relative folder paths still to read
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    let names: string[];
    try {
      names = [];
      for await (const e of Deno.readDir(join(root, rel))) names.push(e.name);
    } catch (e) {
      scan.problems.push({
        field: rel || ".",
        message: `cannot be read (${(e as Error).message}); fix its permissions`,
      });
      continue;
    }
    for (const name of names.sort()) {
      // The author's editor and test setup at the root is not part of the package.
      if (!rel && AUTHORING_FILES.includes(name)) continue;
      const path = rel ? `${rel}/${name}` : name;
      if (++entries > maxFiles) {
        scan.problems.push({
          field: ".",
          message: `has more than ${maxFiles} files and folders; ship only what the plugin needs`,
        });
        return finish(scan);
      }
      const kind = await inspect(root, path, scan);
      if (kind === "dir") pending.push(path);
      if (kind === "file" && scan.totalBytes > maxBytes) {
        scan.problems.push({
          field: ".",
          message: `is larger than ${
            maxBytes / 1024 / 1024
          } MiB; keep large data out of the package`,
        });
        return finish(scan);
      }
    }
  }
  return finish(scan);
}

async function inspect(
  root: string,
  path: string,
  scan: PackageScan,
): Promise<"dir" | "file" | "bad"> {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const report = (message: string) => scan.problems.push({ field: path, message });
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(join(root, path));
  } catch (e) {
    report(`cannot be inspected (${(e as Error).message})`);
    return "bad";
  }
  if (info.isSymlink) {
    report(await symlinkMessage(root, path));
    return "bad";
  }
  if (FORBIDDEN_PACKAGE_NAMES.includes(name)) {
    report(
      `${name} is not allowed in a plugin package (it changes how Deno or npm resolve code); ` +
        "remove it: plugins import only their own files and the SDK",
    );
    return "bad";
  }
  if (info.isDirectory) return "dir";
  if (!info.isFile) {
    const what = info.isFifo ? "a named pipe" : info.isSocket ? "a socket" : "a device file";
    report(`is ${what}; a package may contain only regular files and folders`);
    return "bad";
  }
  if ((info.nlink ?? 1) > 1) {
    report(
      `has ${info.nlink} hard links; a hard link can alias a file outside the package, so copy the file instead`,
    );
    return "bad";
  }
  scan.files.push(path);
  scan.totalBytes += info.size;
  return "file";
}

async function symlinkMessage(root: string, path: string): Promise<string> {
  let target = "?";
  try {
    target = await Deno.readLink(join(root, path));
  } catch { /* report without the target */ }
  const base = target.startsWith("/") ? "" : path.split("/").slice(0, -1).join("/");
  const leaves = target === "?" || target.startsWith("/") ||
    escapes(base ? `${base}/${target}` : target);
  return `is a symlink to ${JSON.stringify(target)}` +
    (leaves ? " that leaves the package" : " (inside the package)") +
    "; symlinks are not allowed: replace it with a copy of the file";
}

/** Whether a relative path climbs above its start once "." and ".." are resolved. */
function escapes(relPath: string): boolean {
  let depth = 0;
  for (const s of relPath.split("/")) {
    if (s === "..") depth--;
    else if (s !== "" && s !== ".") depth++;
    if (depth < 0) return true;
  }
  return false;
}

function join(root: string, rel: string): string {
  if (!rel) return root;
  return root === "/" ? `/${rel}` : `${root}/${rel}`;
}

function finish(scan: PackageScan): PackageScan {
  scan.files.sort();
  return scan;
}
