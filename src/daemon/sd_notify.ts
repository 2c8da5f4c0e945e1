/**
 * The systemd readiness protocol (sd_notify): `Type=notify` units get `NOTIFY_SOCKET`, a Unix
 * datagram socket to which the main process sends `READY=1` once it serves, `RELOADING=1` and
 * `STOPPING=1` around a reload or stop, and `STATUS=...` lines shown by `systemctl status`.
 *
 * Deno has Unix datagram sockets only behind `--unstable-net` (`Deno.listenDatagram` with
 * `transport: "unixpacket"`, which is SOCK_DGRAM); the unit passes that flag. The message must come
 * from the main process itself (the unit keeps the default `NotifyAccess=main`), so no helper such
 * as `systemd-notify` can send it for us.
 */
import { join } from "node:path";

/** Options of {@linkcode notifySystemd}. */
export interface NotifyOptions {
  /** Where `NOTIFY_SOCKET` is read from. @default Deno.env */
  env?: Record<string, string | undefined>;
  /** Folder for the sending socket, which must be bound to a path. @default a new temp dir */
  tempDir?: string;
}

/** What happened to a notification: sent, not asked for (no `NOTIFY_SOCKET`), or failed. */
export type NotifyResult = { sent: true } | { sent: false; reason: string };

/**
 * Sends `state` (e.g. `"READY=1\nSTATUS=serving"`) to systemd's notify socket. Never throws: a
 * daemon started outside systemd has no `NOTIFY_SOCKET` and gets `{sent: false}`.
 *
 * @example
 * ```ts
 * const r = await notifySystemd("READY=1");
 * if (!r.sent && r.reason !== "NOTIFY_SOCKET is not set") console.error(r.reason);
 * ```
 */
export async function notifySystemd(
  state: string,
  options: NotifyOptions = {},
): Promise<NotifyResult> {
  const env = options.env ?? { NOTIFY_SOCKET: Deno.env.get("NOTIFY_SOCKET") };
  const target = env.NOTIFY_SOCKET;
  if (!target) return { sent: false, reason: "NOTIFY_SOCKET is not set" };
  if (target.startsWith("@")) {
    return { sent: false, reason: `abstract notify socket ${target} is not supported by Deno` };
  }
  if (typeof Deno.listenDatagram !== "function") {
    return {
      sent: false,
      reason: "NOTIFY_SOCKET is set but Deno runs without --unstable-net, so plugd cannot tell " +
        "systemd it is ready; add --unstable-net to ExecStart (scripts/plugd.service has it)",
    };
  }
  const dir = options.tempDir ?? await Deno.makeTempDir({ prefix: "plugd-notify-" });
  const path = join(dir, `notify-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.sock`);
  let socket: Deno.DatagramConn | undefined;
  try {
    socket = Deno.listenDatagram({ transport: "unixpacket", path });
    await socket.send(new TextEncoder().encode(state), { transport: "unixpacket", path: target });
    return { sent: true };
  } catch (error) {
    return { sent: false, reason: `cannot notify ${target}: ${(error as Error).message}` };
  } finally {
    socket?.close();
    await Deno.remove(options.tempDir ? path : dir, { recursive: true }).catch(() => {});
  }
}
