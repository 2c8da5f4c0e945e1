/**
 * `GET /plugin-ui/{ticket}/{path}`: the files of plugin frames (TCP only, like the console).
 * Outside `/ui` on purpose: the session cookie (Path=/ui) is never sent here, and the console's
 * own headers (which forbid framing) do not apply. The ticket is the capability; the plugin must
 * still be enabled at the ticket's version.
 */
import { Hono } from "hono";
import { type ApiEnv, HttpError } from "../api/mod.ts";
import type { PluginRecord } from "../plugins/mod.ts";
import uiJs from "../../sdk/ui.js" with { type: "text" };
import { readUiFile } from "./frame_files.ts";
import { frameHeaders } from "./frame_headers.ts";
import type { FrameTickets } from "./frame_tickets.ts";

/** Where frame files are served. */
export const FRAME_PREFIX = "/plugin-ui";

/** What the frame routes need. */
export interface FrameRouteDeps {
  tickets: FrameTickets;
  find(id: string): Promise<PluginRecord | null>;
  /** The installed (read-only) folder of a plugin version, as a real absolute path. */
  pluginDir(id: string, version: string): string;
}

const GONE =
  "This plugin frame is no longer valid (the plugin changed or the console restarted); " +
  "reload the console page";
const SDK = new TextEncoder().encode(uiJs);

/** The frame-file route group. */
export function createFrameRoutes(deps: FrameRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get(`${FRAME_PREFIX}/:ticket/*`, async (c) => {
    if (c.env?.transport !== "tcp") {
      throw new HttpError(404, "Plugin frames are served on TCP only");
    }
    const ticket = c.req.param("ticket");
    const grant = deps.tickets.resolve(ticket);
    const record = grant ? await deps.find(grant.pluginId) : null;
    if (!grant || !record || record.state !== "enabled" || record.version !== grant.version) {
      throw new HttpError(404, GONE);
    }
    const url = new URL(c.req.url);
    const prefix = `${FRAME_PREFIX}/${ticket}/`;
    const path = url.pathname.slice(prefix.length);
    const base = `${url.origin}${prefix}`;
    if (path === "_plugd/ui.js") {
      return new Response(SDK, { headers: frameHeaders(base, "text/javascript; charset=utf-8") });
    }
    const file = await readUiFile(
      deps.pluginDir(record.id, record.version),
      path,
      record.manifest.ui,
    );
    if (!file) throw new HttpError(404, `No UI file ${path} in plugin "${record.id}"`);
    return new Response(file.bytes, { headers: frameHeaders(base, file.contentType) });
  });
  return app;
}
