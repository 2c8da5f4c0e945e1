/**
 * `GET /ui/plugins/:id/logs/stream`: the API's log follow stream (in-process, as the session),
 * re-rendered as escaped HTML `<li>` fragments for htmx. Lines at or before `after` (already on
 * the page) are skipped; the session is re-checked every few seconds.
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { readSessionCookie } from "../cookies.ts";
import type { ConsoleKit } from "../kit.ts";
import type { Sessions } from "../sessions.ts";
import type { ConsoleEnv } from "../types.ts";
import { LogLine, type LogLineData } from "../ui/log_line.tsx";

/** How often an open stream re-checks its session. */
const RECHECK_MS = 5_000;

/** Streams one plugin's new log lines as HTML fragments. */
export async function logStream(
  c: Context<ConsoleEnv>,
  kit: ConsoleKit,
  options: { id: string; after: number; sessions: Sessions },
): Promise<Response> {
  const upstream = await kit.api(c).raw(
    "GET",
    `/v1/plugins/${options.id}/logs?follow=true&limit=200`,
  );
  if (!upstream.ok || !upstream.body) {
    await upstream.body?.cancel();
    return c.text("", upstream.status === 200 ? 502 : upstream.status as 404);
  }
  const cookie = readSessionCookie(c);
  const reader = upstream.body.pipeThrough(new TextDecoderStream()).getReader();
  return streamSSE(c, async (stream) => {
    let open = true;
    const stop = () => {
      open = false;
      reader.cancel().catch(() => {});
    };
    stream.onAbort(stop);
    const timer = setInterval(async () => {
      if (!(await options.sessions.find(cookie).catch(() => null))) stop();
    }, RECHECK_MS);
    let buffer = "";
    try {
      while (open) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: ?(.*)$/m.exec(frame)?.[1];
          const data = [...frame.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join("\n");
          if (event !== "log") continue;
          const line = JSON.parse(data) as LogLineData;
          const ts = typeof line.ts === "number" ? line.ts : Date.parse(String(line.ts));
          if (ts <= options.after) continue;
          await stream.writeSSE({ event: "log", data: String(LogLine({ line })) });
        }
      }
    } catch {
      // the browser went away or the plugin was removed: end quietly
    } finally {
      clearInterval(timer);
      stop();
    }
  });
}
