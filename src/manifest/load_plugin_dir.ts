/** Loading a plugin package folder: its manifest and its files, all checked. */
import { MAX_ALIAS_COUNT, MAX_MANIFEST_BYTES } from "./constants.ts";
import { ManifestError } from "./errors.ts";
import type { Manifest, Problem } from "./types.ts";
import { type CheckPackageOptions, checkPackageProblems } from "./check_package.ts";
import { parseManifestProblems } from "./parse_manifest.ts";
import { MIGRATION_FILE } from "./_validate_migrations.ts";

/** A plugin folder whose manifest and files passed every check. */
export interface PluginDir {
  manifest: Manifest;
  /** The folder's real absolute path. */
  dir: string;
  /** Regular files relative to `dir`, `/`-separated, sorted (includes plugin.yaml). */
  files: string[];
}

/**
 * Reads `<dir>/plugin.yaml` and checks the whole package. Throws
 * {@link ManifestError} listing every manifest and package problem at once
 * (symlinks, hardlinks, special files, deno.json/package.json/node_modules/.npmrc,
 * a missing entry file, too many or too large files).
 *
 * @example
 * ```ts
 * const { manifest, files } = await loadPluginDir("./plugins/hello");
 * ```
 */
export async function loadPluginDir(
  dir: string,
  options: CheckPackageOptions = {},
): Promise<PluginDir> {
  if (typeof dir !== "string" || dir === "") {
    throw new TypeError("loadPluginDir() needs the path of a plugin folder");
  }
  let real: string;
  try {
    // The folder named by the operator may be reached through a link; nothing inside it is followed.
    real = await Deno.realPath(dir);
    if (!(await Deno.stat(real)).isDirectory) throw new Error("not a folder");
  } catch (cause) {
    throw new ManifestError([{
      field: ".",
      message:
        `${JSON.stringify(dir)} is not a readable plugin folder (${(cause as Error).message}); ` +
        "give the folder that contains plugin.yaml",
    }], { cause });
  }
  const problems: Problem[] = [];
  const parsed = await readManifest(real, problems);
  const scan = await checkPackageProblems(real, options);
  problems.push(...scan.problems);
  const entry = parsed?.entry;
  if (entry !== undefined && !scan.files.includes(entry)) {
    const reported = scan.problems.some((x) => x.field === entry);
    if (!reported) {
      problems.push({
        field: "entry",
        message: `the entry file ${
          JSON.stringify(entry)
        } is missing from the package; add it or set entry: to the module that exports definePlugin(...)`,
      });
    }
  }
  problems.push(...missingUiFiles(parsed?.manifest, scan.files));
  if (parsed?.manifest?.migrations) {
    problems.push(...migrationFileProblems(parsed.manifest.migrations, scan.files));
  }
  if (problems.length > 0 || !parsed?.manifest) throw new ManifestError(problems);
  return { manifest: parsed.manifest, dir: real, files: scan.files };
}

/** Every `ui:` page or widget whose file is not a regular file of the package. */
function missingUiFiles(manifest: Manifest | undefined, files: string[]): Problem[] {
  const entries = [
    ...(manifest?.ui?.pages ?? []).map((e, i) => [`ui.pages[${i}].path`, e.path] as const),
    ...(manifest?.ui?.widgets ?? []).map((e, i) => [`ui.widgets[${i}].path`, e.path] as const),
  ];
  return entries.filter(([, path]) => !files.includes(path)).map(([field, path]) => ({
    field,
    message: `${JSON.stringify(path)} is not a file of the package; add it or fix the path`,
  }));
}

async function readManifest(
  dir: string,
  problems: Problem[],
): Promise<ReturnType<typeof parseManifestProblems> | undefined> {
  const path = `${dir}/plugin.yaml`;
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch {
    problems.push({
      field: "plugin.yaml",
      message: "is missing; every plugin folder needs a plugin.yaml manifest",
    });
    return undefined;
  }
  if (!info.isFile) {
    const what = info.isSymlink ? "a symlink" : info.isDirectory ? "a folder" : "a special file";
    problems.push({ field: "plugin.yaml", message: `is ${what}; it must be a regular file` });
    return undefined;
  }
  if (info.size > MAX_MANIFEST_BYTES) {
    problems.push({
      field: "plugin.yaml",
      message:
        `is ${info.size} bytes; the limit is ${MAX_MANIFEST_BYTES} bytes (256 KiB): move data into files`,
    });
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await Deno.readFile(path));
  } catch (e) {
    problems.push({
      field: "plugin.yaml",
      message: `cannot be read as UTF-8 text (${(e as Error).message}); save it as UTF-8`,
    });
    return undefined;
  }
  const result = parseManifestProblems(text, {
    maxBytes: MAX_MANIFEST_BYTES,
    maxAliasCount: MAX_ALIAS_COUNT,
  });
  problems.push(...result.problems);
  return result;
}

/** The migrations folder holds only `NNN_name.sql` files, each number once. */
function migrationFileProblems(dir: string, files: string[]): Problem[] {
  const inside = files.filter((f) => f.startsWith(`${dir}/`));
  if (inside.length === 0) {
    return [{
      field: "migrations",
      message: `the folder ${
        JSON.stringify(dir)
      } is missing or empty; add files like ${dir}/001_init.sql`,
    }];
  }
  const problems: Problem[] = [];
  const seen = new Map<number, string>();
  for (const file of inside) {
    const name = file.slice(dir.length + 1);
    const m = MIGRATION_FILE.exec(name);
    if (!m) {
      problems.push({
        field: file,
        message: "is not a migration; the folder holds only files named like 001_init.sql",
      });
      continue;
    }
    const version = Number(m[1]);
    const other = seen.get(version);
    if (other) {
      problems.push({ field: file, message: `has the same number as ${other}; renumber it` });
    }
    seen.set(version, file);
  }
  return problems;
}
