/**
 * What a prepared folder runs, recorded when it is prepared and checked before each launch.
 *
 * A plugin process runs code from two places: the plugin's files (hashed against the digest kept
 * at install, at every start) and its prepared folder, which the daemon writes: the runtime module
 * (plugd's shim and SDK, which runs before the plugin's files are checked), the bootstrap, the
 * import map, Deno's compiled copies of the TypeScript modules (`cache/gen/`, the plugin's own as
 * they actually run) and, in the sandbox's layout, Deno's cache databases (V8's code cache, the
 * module analysis) and the exact list of entries: the sandbox mounts the folder read-only, so
 * nothing but plugd writes it, and a file added there after the prepare is caught like a changed
 * one. (In flags-only mode Deno may write its cache while the plugin runs: only the files above
 * are recorded there.) Their SHA-256 digests go into the folder's marker below its layout line; a
 * folder whose files no longer match is prepared again before the plugin starts.
 *
 * Hashing and listing the whole folder at every start would cost 0.6 ms of CPU (4 ms with a type
 * check's code cache): once a folder passed by hash, its marker gets a seal, the digest of the
 * `lstat` identity of every recorded entry, and a start whose entries still have that identity
 * reads nothing but the marker (~0.1 ms, performance.md).
 * @module
 */
import { createHash } from "node:crypto";
import { folderEntries, type Identity, identityOf } from "./_prepared_entries.ts";

/** The files every prepared folder runs, relative to it. */
const FIXED_CODE = ["runtime.js", "bootstrap.ts", "import_map.json"];
/** Deno's compiled copies of TypeScript modules, inside the prepared module cache. */
const COMPILED = "cache/gen";
/** The marker's second line: this record's format (older markers are stale). */
const FORMAT = "files-2";
/** What a folder line holds in place of a digest. */
const FOLDER = "folder";
/**
 * How old the newest change of a folder's entries must be before its identity seals it: Deno
 * reports ctime in whole seconds, and the kernel stamps a change with a clock that may lag by a
 * tick, so a later change is certain to show only past that.
 */
const SEAL_AGE_MS = 2_000;

/** What {@linkcode checkPreparedCode} found. */
export type PreparedCodeCheck =
  /**
   * Prepared for this layout and revision, every recorded file as it was written; `sealed`: the
   * marker to write back (it passed by hash, and its seal saves the next starts the hashing).
   */
  | { status: "current"; sealed?: string }
  /** Prepared for another layout, by another plugd, or never (no marker, no digests). */
  | { status: "stale" }
  /**
   * These files (relative paths) changed, went or came since the folder was prepared; `added`:
   * those not plugd's, which a prepare again must remove (it rewrites only its own).
   */
  | { status: "changed"; files: string[]; added: string[] };

/**
 * SHA-256 of a file as hex, `null` if it is not there (or is a folder). Sync, with node:crypto:
 * the async way (a read, then WebCrypto on the blocking pool) took 4 times the CPU over a
 * restart's 200 folders (performance.md).
 */
function digestOf(path: string): string | null {
  try {
    return createHash("sha256").update(Deno.readFileSync(path)).digest("hex");
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory) return null;
    throw e;
  }
}

/** Deno's compiled modules in `preparedDir` (flags-only mode's record), none if it has none. */
function compiledFiles(preparedDir: string): string[] {
  try {
    return folderEntries(`${preparedDir}/${COMPILED}`).files.map((f) => `${COMPILED}/${f}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

/** Whether a marker with `layoutLine` records the whole folder (the sandbox's read-only one). */
function wholeFolder(layoutLine: string): boolean {
  return layoutLine.startsWith("sandbox ");
}

/** The marker's own name (`PREPARED_FOR`, which imports this module): kept out of the record. */
const MARKER = ["prepared-for"];

/**
 * The marker of a freshly prepared `preparedDir`: `layoutLine`, the format line, then one
 * `<sha256> <path as JSON>` line per file it runs (`folder <path as JSON>` per folder, in the
 * sandbox's layout, where every entry is recorded). No seal yet: its files are too new.
 *
 * @example
 * ```ts
 * await Deno.writeTextFile(`${dir}/prepared-for`, preparedCodeRecord(dir, "sandbox bootstrap-5"));
 * ```
 */
export function preparedCodeRecord(preparedDir: string, layoutLine: string): string {
  let files = [...FIXED_CODE];
  let folders: string[] = [];
  if (wholeFolder(layoutLine)) {
    const found = folderEntries(preparedDir, MARKER);
    if (found.other.length > 0) {
      throw new Error(`${preparedDir} holds entries plugd does not write: ${found.other}`);
    }
    ({ files, folders } = found);
  } else {
    files.push(...compiledFiles(preparedDir));
  }
  const lines = files.sort().map((f) => {
    const digest = digestOf(`${preparedDir}/${f}`);
    if (digest === null) throw new Error(`${preparedDir}/${f} went while it was being prepared`);
    return `${digest} ${JSON.stringify(f)}`;
  });
  const folderLines = folders.map((f) => `${FOLDER} ${JSON.stringify(f)}`);
  return [layoutLine, FORMAT, ...lines, ...folderLines].join("\n") + "\n";
}

/** One `<sha256|folder> <path as JSON>` line of a marker; `null` for one plugd does not write. */
function recordedLine(line: string): { digest: string; path: string } | null {
  const space = line.indexOf(" ");
  try {
    const path = JSON.parse(line.slice(space + 1));
    return typeof path === "string" && path !== "" && !path.split("/").includes("..")
      ? { digest: line.slice(0, space), path }
      : null;
  } catch {
    return null;
  }
}

/**
 * Compares `preparedDir`'s marker text `marker` with `layoutLine` and the folder with what the
 * marker recorded. A sealed marker whose entries still have the sealed identity passes with one
 * `lstat` per entry; otherwise every recorded file is hashed and, in the sandbox's layout, the
 * folder listed: an entry the marker does not name counts as changed.
 *
 * @example
 * ```ts
 * const marker = await Deno.readTextFile(`${dir}/prepared-for`);
 * if (checkPreparedCode(dir, marker, "sandbox bootstrap-5").status !== "current") {
 *   // prepare the folder again
 * }
 * ```
 */
export function checkPreparedCode(
  preparedDir: string,
  marker: string,
  layoutLine: string,
): PreparedCodeCheck {
  const lines = marker.split("\n").filter(Boolean);
  const seal = lines.at(-1)?.startsWith("seal ") ? lines.pop()!.slice(5) : undefined;
  const [first, format, ...rest] = lines;
  if (first !== layoutLine || format !== FORMAT) return { status: "stale" };
  const recorded = rest.map(recordedLine);
  if (recorded.includes(null)) return { status: "stale" };
  const entries = recorded as { digest: string; path: string }[];
  const files = entries.filter((r) => r.digest !== FOLDER);
  if (!FIXED_CODE.every((f) => files.some((r) => r.path === f))) return { status: "stale" };
  const whole = wholeFolder(layoutLine);
  // The folder itself too: an entry added at its top changes its times.
  const paths = [...(whole ? [""] : []), ...entries.map((r) => r.path)];
  const body = lines.join("\n") + "\n";
  const identity = identityOf(preparedDir, paths, body);
  if (seal !== undefined && identity?.key === seal) return { status: "current" };
  const changed = files.flatMap((r) =>
    digestOf(`${preparedDir}/${r.path}`) === r.digest ? [] : [r.path]
  );
  let added: string[] = [];
  if (whole) {
    const found = folderEntries(preparedDir, MARKER);
    const known = new Set(entries.map((r) => r.path));
    added = [...found.files, ...found.folders, ...found.other].filter((p) => !known.has(p));
    // Only the top of an added folder: removing it removes what it holds.
    added = added.filter((p) => !added.some((q) => p.startsWith(`${q}/`))).sort();
    const folders = new Set(found.folders);
    changed.push(
      ...entries.filter((r) => r.digest === FOLDER && !folders.has(r.path)).map((r) => r.path),
    );
  }
  if (changed.length > 0 || added.length > 0) {
    return { status: "changed", files: [...changed, ...added].sort(), added };
  }
  return sealable(identity) ? { status: "current", sealed: `${body}seal ${identity.key}\n` } : {
    status: "current",
  };
}

/** Whether `identity` (taken before the hashing that passed) may seal its folder. */
function sealable(identity: Identity | null): identity is Identity {
  return identity !== null && identity.newest <= Date.now() - SEAL_AGE_MS;
}

/**
 * Removes the entries a check found added to `preparedDir` (`added` of a `changed` check), before
 * the folder is prepared again: a prepare rewrites only the files it writes.
 *
 * @example
 * ```ts
 * const check = checkPreparedCode(dir, marker, "sandbox bootstrap-5");
 * if (check.status === "changed") removeAddedEntries(dir, check.added);
 * ```
 */
export function removeAddedEntries(preparedDir: string, added: readonly string[]): void {
  for (const path of added) {
    if (path === "" || path.split("/").includes("..")) continue;
    try {
      Deno.removeSync(`${preparedDir}/${path}`, { recursive: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}
