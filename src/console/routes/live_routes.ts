/** `GET /ui/live`: the live feed of plugin state as server-sent events (htmx swaps them in). */
import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { readSessionCookie } from "../cookies.ts";
import type { LiveEvent, LiveHub } from "../live_hub.ts";
import { ConsoleError } from "../session_middleware.ts";
import type { Sessions } from "../sessions.ts";
import type { ConsoleEnv } from "../types.ts";

/** How often an open stream re-checks its session (revoked token, sign-out, expiry). */
const RECHECK_MS = 5_000;

/** Registers the live feed. */
export function liveRoutes(app: Hono<ConsoleEnv>, hub: LiveHub, sessions: Sessions): void {
  app.get("/ui/live", (c) => {
    if (!c.get("can").read) throw new ConsoleError(403, "The live feed needs the reader scope");
    const cookie = readSessionCookie(c);
    return streamSSE(c, async (stream) => {
      const done = Promise.withResolvers<void>();
      let queue = Promise.resolve();
      const send = (events: LiveEvent[]) => {
        queue = queue.then(async () => {
          for (const e of events) await stream.writeSSE(e);
        }).catch(() => done.resolve());
      };
      const unsubscribe = hub.subscribe(send);
      stream.onAbort(() => done.resolve());
      const timer = setInterval(async () => {
        if (!(await sessions.find(cookie).catch(() => null))) return done.resolve();
        send([{ event: "ping", data: "" }]);
      }, RECHECK_MS);
      await done.promise;
      clearInterval(timer);
      unsubscribe();
    });
  });
}
