/** How the daemon serves one of its listeners (TCP or the Unix socket). */
import { toProblemResponse } from "../api/mod.ts";
import { type ConnectionHandler, HttpListener, type ListenerLimits } from "./http_listener.ts";
import type { DaemonLog } from "./daemon_service.ts";

/** One listener of the daemon's: its limits, its log, the one error mapping. */
export function serve(
  listener: Deno.Listener,
  limits: ListenerLimits,
  log: DaemonLog,
  o: { handler: ConnectionHandler; watchBodies: boolean },
): HttpListener {
  return HttpListener.serve({
    listener,
    handler: o.handler,
    onError: toProblemResponse,
    limits,
    log,
    watchBodies: o.watchBodies,
  });
}
