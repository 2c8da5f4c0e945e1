/**
 * Follows granted log files: new lines are parsed and stored with the file's offset in the same
 * commit, so a restart resumes exactly where the last stored line ended. A rotation (the path
 * now names another inode) finishes the old file first, then reads the new one from its start;
 * a truncation (copytruncate) starts again at 0.
 */
import type { PluginLogger, SqlStatement } from "@plugd/sdk";
import { parseLine, type Rules } from "./parse.ts";
import type { FileSource, LogRecord } from "./types.ts";
import type { LogWriter } from "./writer.ts";

const CHUNK = 1024 * 1024;
const MAX_LINE = 64 * 1024;
const decoder = new TextDecoder();

interface Open {
  file: Deno.FsFile;
  ino: number;
  offset: number;
  parser: string;
}

/** A rotated or removed file, still read while its writer may not have reopened yet. */
interface Retired extends Open {
  path: string;
  idleSince: number;
}

/** How long a rotated file is still read after its last new line. */
export const ROTATED_GRACE_MS = 30_000;

/** Where a followed file stands (shown by `plugd log-hub sources`). */
export interface FileState {
  path: string;
  ino: number;
  offset: number;
}

/** `*` and `?` in the file name as a RegExp; null when the name has no wildcard. */
export function namePattern(name: string): RegExp | null {
  if (!/[*?]/.test(name)) return null;
  const re = name.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`);
}

/** Follows every configured file; `poll()` does one pass. */
export class FileTailer {
  #open = new Map<string, Open>();
  #retired: Retired[] = [];
  #saved: Map<string, { ino: number; offset: number }> | null = null;
  #writer: LogWriter;
  #log: PluginLogger;
  #loadSaved: () => Promise<Map<string, { ino: number; offset: number }>>;
  #warned = new Set<string>();

  constructor(
    writer: LogWriter,
    log: PluginLogger,
    loadSaved: () => Promise<Map<string, { ino: number; offset: number }>>,
  ) {
    this.#writer = writer;
    this.#log = log;
    this.#loadSaved = loadSaved;
  }

  /** The files followed now. */
  states(): FileState[] {
    return [...this.#open].map(([path, o]) => ({ path, ino: o.ino, offset: o.offset }));
  }

  /** Reads what is new in every file `sources` names. */
  async poll(sources: FileSource[], rules: Rules): Promise<number> {
    this.#saved ??= await this.#loadSaved();
    const seen = new Set<string>();
    // Rotated files first: their lines were written before the new files' lines.
    let lines = await this.#readRetired(rules);
    for (const source of sources) {
      for (const path of await this.#expand(source.path)) {
        if (seen.has(path)) continue;
        seen.add(path);
        lines += await this.#follow(path, source.parser ?? "auto", rules);
      }
    }
    for (const [path, open] of this.#open) {
      if (seen.has(path)) continue;
      this.#retire(path, open); // removed or renamed away: its writer may still add lines
    }
    return lines;
  }

  /** Closes every file. */
  close(): void {
    for (const o of [...this.#open.values(), ...this.#retired]) o.file.close();
    this.#open.clear();
    this.#retired = [];
  }

  #retire(path: string, open: Open): void {
    this.#open.delete(path);
    this.#retired.push({ ...open, path, idleSince: Date.now() });
  }

  /** Reads rotated files; one idle past the grace gets its last partial line and is closed. */
  async #readRetired(rules: Rules): Promise<number> {
    let lines = 0;
    const now = Date.now();
    for (const r of [...this.#retired]) {
      const done = now - r.idleSince > ROTATED_GRACE_MS;
      const got = await this.#read(r.path, r, rules, done, false);
      if (got > 0) r.idleSince = now;
      lines += got;
      if (done) {
        r.file.close();
        this.#retired.splice(this.#retired.indexOf(r), 1);
      }
    }
    return lines;
  }

  async #expand(pattern: string): Promise<string[]> {
    const slash = pattern.lastIndexOf("/");
    const dir = pattern.slice(0, slash) || "/";
    const re = namePattern(pattern.slice(slash + 1));
    if (!re) return [pattern];
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) {
        if (e.isFile && re.test(e.name)) out.push(`${dir}/${e.name}`);
      }
    } catch (e) {
      this.#warnOnce(dir, `cannot list ${dir}: ${(e as Error).message}`);
    }
    return out.sort();
  }

  #warnOnce(key: string, msg: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#log.warn(msg);
  }

  async #follow(path: string, parser: string, rules: Rules): Promise<number> {
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.stat(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) {
        this.#warnOnce(path, `${path}: ${(e as Error).message}`);
      }
      return 0;
    }
    let lines = 0;
    let open = this.#open.get(path);
    if (open && open.ino !== stat.ino) {
      lines += await this.#read(path, open, rules, false, false);
      this.#retire(path, open); // rotated: the old file is still read for a while
      open = undefined;
      this.#log.info(`${path} was rotated; reading the new file from its start`);
    }
    if (!open) {
      try {
        const file = await Deno.open(path, { read: true });
        const ino = (await file.stat()).ino ?? 0;
        const saved = this.#saved!.get(path);
        const offset = saved && saved.ino === ino && saved.offset <= stat.size ? saved.offset : 0;
        open = { file, ino, offset, parser };
        this.#open.set(path, open);
      } catch (e) {
        this.#warnOnce(path, `cannot open ${path}: ${(e as Error).message}`);
        return lines;
      }
    }
    open.parser = parser;
    if (stat.size < open.offset) {
      this.#log.info(`${path} was truncated; reading it again from its start`);
      open.offset = 0;
    }
    return lines + await this.#read(path, open, rules, false);
  }

  /**
   * Reads complete lines from `open.offset`; at `final`, a last line without newline too.
   * `save` records the offset with the lines (not for rotated files: the path is the new one's).
   */
  async #read(
    path: string,
    open: Open,
    rules: Rules,
    final: boolean,
    save = true,
  ): Promise<number> {
    let total = 0;
    const buf = new Uint8Array(CHUNK);
    for (let rounds = 0; rounds < 16; rounds++) {
      await open.file.seek(open.offset, Deno.SeekMode.Start);
      let got = 0;
      while (got < CHUNK) {
        const n = await open.file.read(buf.subarray(got));
        if (n === null) break;
        got += n;
      }
      if (got === 0) break;
      let end = buf.subarray(0, got).lastIndexOf(10) + 1;
      if (final && got < CHUNK) end = got; // a finished file's last line needs no newline
      else if (end === 0 && got >= MAX_LINE) end = got; // one over-long line, stored cut
      if (end === 0) break;
      const text = decoder.decode(buf.subarray(0, end));
      const now = Date.now();
      const records: LogRecord[] = [];
      for (const line of text.split("\n")) {
        const l = line.endsWith("\r") ? line.slice(0, -1) : line;
        if (l.trim() !== "") records.push(parseLine(l, open.parser, rules, `file:${path}`, now));
      }
      const offset = open.offset + end;
      const saveOffset: SqlStatement = {
        sql: "INSERT INTO tail_offsets (path, ino, offset) VALUES (?, ?, ?) " +
          "ON CONFLICT (path) DO UPDATE SET ino = excluded.ino, offset = excluded.offset",
        args: [path, open.ino, offset],
      };
      await this.#writer.add(records, save ? [saveOffset] : []);
      open.offset = offset;
      if (save) this.#saved!.set(path, { ino: open.ino, offset });
      total += records.length;
      if (got < CHUNK) break;
    }
    return total;
  }
}
