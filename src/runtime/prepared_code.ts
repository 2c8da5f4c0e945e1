/**
 * What a prepared folder runs, recorded when it is prepared and checked before each launch.
 *
 * A plugin process runs code from two places: the plugin's files (hashed against the digest kept
 * at install, at every start) and its prepared folder, which the daemon writes: the runtime module
 * (plugd's shim and SDK, which runs before the plugin's files are checked), the bootstrap, the
 * import map, and Deno's compiled copies of the TypeScript modules (`cache/gen/`, the plugin's own
 * as they actually run). Their SHA-256 digests go into the folder's marker below its layout line;
 * a folder whose files no longer match is prepared again before the plugin starts.
 * @module
 */
import { createHash } from "node:crypto";

/** The files every prepared folder runs, relative to it. */
const FIXED_CODE = ["runtime.js", "bootstrap.ts", "import_map.json"];
/** Deno's compiled copies of TypeScript modules, inside the prepared module cache. */
const COMPILED = "cache/gen";

/** What {@linkcode checkPreparedCode} found. */
export type PreparedCodeCheck =
  /** Prepared for this layout and revision, every recorded file as it was written. */
  | { status: "current" }
  /** Prepared for another layout, by another plugd, or never (no marker, no digests). */
  | { status: "stale" }
  /** These recorded files (relative paths) changed or went since the folder was prepared. */
  | { status: "changed"; files: string[] };

/**
 * SHA-256 of a file as hex, `null` if it is not there. Sync, with node:crypto: a launch reads a
 * few small files, and the async way (a read, then WebCrypto on the blocking pool) took 4 times
 * the CPU over a restart's 200 folders (performance.md).
 */
function digestOf(path: string): string | null {
  try {
    return createHash("sha256").update(Deno.readFileSync(path)).digest("hex");
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function compiledFiles(dir: string, rel: string, out: string[]): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(`${dir}/${rel}`)];
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  for (const e of entries) {
    if (e.isDirectory) compiledFiles(dir, `${rel}/${e.name}`, out);
    else if (e.isFile) out.push(`${rel}/${e.name}`);
  }
}

/**
 * The marker of a freshly prepared `preparedDir`: `layoutLine`, then one `<sha256> <path as JSON>`
 * line per file it runs.
 *
 * @example
 * ```ts
 * await Deno.writeTextFile(`${dir}/prepared-for`, preparedCodeRecord(dir, "sandbox bootstrap-5"));
 * ```
 */
export function preparedCodeRecord(preparedDir: string, layoutLine: string): string {
  const files = [...FIXED_CODE];
  compiledFiles(preparedDir, COMPILED, files);
  const lines = files.sort().map((f) => {
    const digest = digestOf(`${preparedDir}/${f}`);
    if (digest === null) throw new Error(`${preparedDir}/${f} went while it was being prepared`);
    return `${digest} ${JSON.stringify(f)}`;
  });
  return [layoutLine, ...lines].join("\n") + "\n";
}

/** One `<sha256> <path as JSON>` line of a marker; `null` for a line plugd does not write. */
function recordedFile(line: string): { digest: string; file: string } | null {
  const space = line.indexOf(" ");
  try {
    const file = JSON.parse(line.slice(space + 1));
    return typeof file === "string" && !file.split("/").includes("..")
      ? { digest: line.slice(0, space), file }
      : null;
  } catch {
    return null;
  }
}

/**
 * Compares `preparedDir`'s marker text `marker` with `layoutLine` and each recorded file with its
 * digest. Only the recorded files are read: a start never adds files there that it then runs.
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
  const [first, ...rest] = marker.split("\n").filter(Boolean);
  if (first !== layoutLine) return { status: "stale" };
  const recorded = rest.map(recordedFile);
  const files = recorded.flatMap((r) => r ? [r.file] : []);
  if (recorded.includes(null) || !FIXED_CODE.every((f) => files.includes(f))) {
    return { status: "stale" };
  }
  const changed = recorded.flatMap((r) =>
    digestOf(`${preparedDir}/${r!.file}`) === r!.digest ? [] : [r!.file]
  );
  return changed.length === 0 ? { status: "current" } : { status: "changed", files: changed };
}
