/** Audit export to a JSON-lines file, rotated by size. */
import { dirname } from "node:path";
import type { AuditRow } from "../audit_log.ts";
import { exportLine, type ExportTarget } from "./types.ts";

/** Options of {@linkcode FileTarget}. */
export interface FileTargetOptions {
  /** Rotate when the file would grow past this many bytes. @default 10 MiB */
  maxBytes?: number;
  /** Rotated files kept (`.1` newest … `.N` oldest). @default 5 */
  keep?: number;
}

/**
 * Appends one JSON line per row (mode 0640) and fsyncs after each batch. At `maxBytes` the file
 * is rotated like logrotate does: `audit.jsonl` → `audit.jsonl.1` → … → `.N` (dropped). The
 * chain runs on across files: the first line of a file names the previous file's last hash.
 */
export class FileTarget implements ExportTarget {
  readonly name: string;
  #path: string;
  #maxBytes: number;
  #keep: number;

  constructor(path: string, options: FileTargetOptions = {}) {
    const { maxBytes = 10 * 1024 * 1024, keep = 5 } = options;
    if (!path.startsWith("/")) throw new TypeError(`audit export file must be absolute: ${path}`);
    if (!(maxBytes >= 1024)) throw new RangeError(`maxBytes must be >= 1024; got ${maxBytes}`);
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be >= 1; got ${keep}`);
    this.name = `file:${path}`;
    this.#path = path;
    this.#maxBytes = maxBytes;
    this.#keep = keep;
  }

  async write(rows: AuditRow[]): Promise<void> {
    await Deno.mkdir(dirname(this.#path), { recursive: true, mode: 0o750 });
    let chunk = "";
    let size = await this.#size(); // bytes in the file plus those in `chunk`
    for (const row of rows) {
      const line = exportLine(row) + "\n";
      const bytes = new TextEncoder().encode(line).length;
      if (size > 0 && size + bytes > this.#maxBytes) {
        await this.#append(chunk);
        chunk = "";
        await this.#rotate();
        size = 0;
      }
      chunk += line;
      size += bytes;
    }
    if (chunk) await this.#append(chunk);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  async #size(): Promise<number> {
    try {
      return (await Deno.stat(this.#path)).size;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return 0;
      throw error;
    }
  }

  async #append(text: string): Promise<void> {
    if (!text) return;
    const file = await Deno.open(this.#path, { append: true, create: true, mode: 0o640 });
    try {
      const bytes = new TextEncoder().encode(text);
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
      await file.sync();
    } finally {
      file.close();
    }
  }

  async #rotate(): Promise<void> {
    await Deno.remove(`${this.#path}.${this.#keep}`).catch(() => {});
    for (let i = this.#keep - 1; i >= 1; i--) {
      await Deno.rename(`${this.#path}.${i}`, `${this.#path}.${i + 1}`).catch(() => {});
    }
    await Deno.rename(this.#path, `${this.#path}.1`);
  }
}
