/**
 * Audit export to the systemd journal over its native protocol (a Unix datagram per entry,
 * `FIELD=value` lines). Deno 2.9 sends Unix datagrams only with `--unstable-net`; without it
 * this target refuses to start and says so.
 */
import { join } from "node:path";
import type { AuditRow } from "../audit_log.ts";
import { exportLine, type ExportTarget } from "./types.ts";

/** Where journald listens for native messages. */
export const JOURNAL_SOCKET = "/run/systemd/journal/socket";

interface DatagramConn {
  send(data: Uint8Array, addr: { transport: "unixpacket"; path: string }): Promise<number>;
  close(): void;
}
type ListenDatagram = (o: { transport: "unixpacket"; path: string }) => DatagramConn;

/** One journal entry: the export line as MESSAGE plus the chain fields, for `journalctl -o json`. */
export function journalEntry(row: AuditRow): Uint8Array {
  const fields: [string, string][] = [
    ["MESSAGE", exportLine(row)],
    ["PRIORITY", row.result === "ok" ? "5" : "4"],
    ["SYSLOG_IDENTIFIER", "plugd"],
    ["SYSLOG_FACILITY", "13"],
    ["PLUGD_AUDIT_SEQ", String(row.seq)],
    ["PLUGD_AUDIT_HASH", row.hash],
    ["PLUGD_AUDIT_PREV_HASH", row.prev_hash],
    ["PLUGD_AUDIT_ACTOR", row.actor],
    ["PLUGD_AUDIT_ACTION", row.action],
    ["PLUGD_AUDIT_RESULT", row.result],
  ];
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const [key, value] of fields) {
    if (!value.includes("\n")) {
      parts.push(enc.encode(`${key}=${value}\n`));
      continue;
    }
    // Binary form for values with newlines: KEY\n, little-endian u64 length, value, \n.
    const bytes = enc.encode(value);
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, BigInt(bytes.length), true);
    parts.push(enc.encode(`${key}\n`), len, bytes, enc.encode("\n"));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Sends each row to journald (`journald` or `journald:/path/to/socket`). */
export class JournaldTarget implements ExportTarget {
  readonly name: string;
  #socket: string;
  #conn: DatagramConn;
  #own: string;

  constructor(spec: string, stateDir: string) {
    const listen = (Deno as unknown as { listenDatagram?: ListenDatagram }).listenDatagram;
    if (typeof listen !== "function") {
      throw new Error(
        `audit export "${spec}" needs Deno's Unix datagrams, which Deno 2.9 offers only with ` +
          `--unstable-net: add it to the daemon's "deno run" flags, or export to syslog or a file`,
      );
    }
    this.name = spec;
    this.#socket = spec === "journald" ? JOURNAL_SOCKET : spec.slice("journald:".length);
    this.#own = join(stateDir, `.journal-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.sock`);
    this.#conn = listen({ transport: "unixpacket", path: this.#own });
  }

  async write(rows: AuditRow[]): Promise<void> {
    for (const row of rows) {
      await this.#conn.send(journalEntry(row), { transport: "unixpacket", path: this.#socket });
    }
  }

  async close(): Promise<void> {
    this.#conn.close();
    await Deno.remove(this.#own).catch(() => {});
  }
}
