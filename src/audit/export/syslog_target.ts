/** Audit export to syslog: RFC 5424 messages over UDP (RFC 5426) or TCP (RFC 6587 framing). */
import dgram from "node:dgram";
import type { AuditRow } from "../audit_log.ts";
import { exportLine, type ExportTarget } from "./types.ts";

/** Facility 13, "log audit" (RFC 5424 §6.2.1). */
const FACILITY = 13;
/** Structured-data ID under the documentation enterprise number (RFC 5612). */
const SD_ID = "plugd@32473";

function sdValue(text: string): string {
  return text.replace(/["\\\]]/g, "\\$&");
}

function hostname(): string {
  try {
    return Deno.hostname().replace(/[^\x21-\x7e]/g, "").slice(0, 255) || "-";
  } catch {
    return "-"; // no --allow-sys=hostname: the NILVALUE
  }
}

/**
 * One RFC 5424 message for `row`: `<PRI>1 TIMESTAMP HOST plugd PID audit [plugd@32473 seq=…
 * hash=… prev_hash=… action=… result=…] BOM{json line}`. Severity: notice for `ok`, warning
 * otherwise.
 */
export function syslogMessage(row: AuditRow, host = hostname(), pid = Deno.pid): string {
  const severity = row.result === "ok" ? 5 : 4;
  const sd = `[${SD_ID} seq="${row.seq}" hash="${row.hash}" prev_hash="${row.prev_hash}" ` +
    `action="${sdValue(row.action)}" result="${sdValue(row.result)}"]`;
  return `<${FACILITY * 8 + severity}>1 ${row.ts} ${host} plugd ${pid} audit ${sd} \uFEFF` +
    exportLine(row);
}

/** Parses `syslog+udp://host:port` / `syslog+tcp://host:port`. */
export function parseSyslogUrl(
  spec: string,
): { protocol: "udp" | "tcp"; host: string; port: number } {
  const m = /^syslog\+(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(spec);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) {
    throw new RangeError(
      `audit export "${spec}" must look like syslog+udp://HOST:514 or syslog+tcp://HOST:601`,
    );
  }
  return { protocol: m[1] as "udp" | "tcp", host: m[2]!.replace(/^\[|\]$/g, ""), port };
}

/** Sends each row as one syslog message; the TCP connection is reopened after an error. */
export class SyslogTarget implements ExportTarget {
  readonly name: string;
  #url: ReturnType<typeof parseSyslogUrl>;
  #udp: dgram.Socket | null = null;
  #tcp: Deno.TcpConn | null = null;

  constructor(spec: string) {
    this.#url = parseSyslogUrl(spec);
    this.name = spec;
  }

  async write(rows: AuditRow[]): Promise<void> {
    for (const row of rows) {
      const message = syslogMessage(row);
      if (this.#url.protocol === "udp") await this.#sendUdp(message);
      else await this.#sendTcp(message);
    }
  }

  async close(): Promise<void> {
    this.#tcp?.close();
    this.#tcp = null;
    if (this.#udp) await new Promise<void>((r) => this.#udp!.close(() => r()));
    this.#udp = null;
  }

  #sendUdp(message: string): Promise<void> {
    const { host, port } = this.#url;
    this.#udp ??= dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
    return new Promise((resolve, reject) =>
      this.#udp!.send(
        new TextEncoder().encode(message),
        port,
        host,
        (e) => e ? reject(e) : resolve(),
      )
    );
  }

  async #sendTcp(message: string): Promise<void> {
    const bytes = new TextEncoder().encode(message);
    const frame = new TextEncoder().encode(`${bytes.length} `);
    this.#tcp ??= await Deno.connect({ hostname: this.#url.host, port: this.#url.port });
    try {
      for (const part of [frame, bytes]) {
        let off = 0;
        while (off < part.length) off += await this.#tcp.write(part.subarray(off));
      }
    } catch (error) {
      this.#tcp.close();
      this.#tcp = null;
      throw error;
    }
  }
}
