/**
 * The surface kinds: `ui` (console pages and widgets) and `public` (routes anyone can call). They
 * map onto no Deno flag; the daemon serves them. Their entries are derived from the manifest's
 * `ui:` and `routes:` sections, so the grant review, the grant check and update diffs show them
 * like any other permission.
 */

import type { PermissionKindSpec } from "./kind_spec.ts";

/** Slots a widget may render in. */
export const UI_SLOTS: readonly string[] = ["overview", "plugin-detail"];

const UI_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const SEGMENT = /^([A-Za-z0-9_.~-]+|:[A-Za-z_][A-Za-z0-9_]*)$/;

/** `ui`: `page:<id>` or `widget:<id>@<slot>`, one per `ui.pages`/`ui.widgets` entry. */
export const UI: PermissionKindSpec = {
  example: '["page:pipelines", "widget:status@overview"]',
  derivedFrom: "the ui: section (pages and widgets)",
  entryProblem(entry) {
    const match = /^(page|widget):([^@]*)(?:@(.*))?$/.exec(entry);
    if (!match || !UI_ID.test(match[2]!)) {
      return `"${entry}" is not a ui entry; use "page:<id>" or "widget:<id>@<slot>"`;
    }
    if (match[1] === "page" && match[3] !== undefined) {
      return `"${entry}": pages take no slot; use "page:${match[2]}"`;
    }
    if (match[1] === "widget" && !UI_SLOTS.includes(match[3] ?? "")) {
      return `"${entry}": a widget names its slot, one of ${UI_SLOTS.join(", ")}`;
    }
    return undefined;
  },
  risk: (entry) => [
    "low",
    entry.startsWith("page:")
      ? "adds pages to the console (a sandboxed frame that can call only this plugin's routes)"
      : `adds a widget to the console's ${entry.split("@")[1]} (sandboxed, own routes only)`,
  ],
};

/** `public`: `METHOD /path` of each route declared with `auth: none`. */
export const PUBLIC: PermissionKindSpec = {
  example: '["POST /github"]',
  derivedFrom: "routes declared with auth: none",
  entryProblem(entry) {
    const parts = entry.split(" ");
    const [method, path] = parts as [string, string | undefined];
    if (parts.length !== 2 || !METHODS.includes(method) || !path?.startsWith("/")) {
      return `"${entry}" is not a route; write "METHOD /path" like "POST /github"`;
    }
    const segments = path === "/" ? [] : path.slice(1).split("/");
    const bad = segments.some((s, i) => s === "" ? i !== segments.length - 1 : !SEGMENT.test(s));
    if (bad || path.length > 200) {
      return `"${entry}": the path may use A-Z a-z 0-9 _ . ~ - and ":param" segments`;
    }
    return undefined;
  },
  risk: (entry) => [
    "high",
    `anyone who can reach plugd can call ${entry} without a token (served under /hooks/)`,
  ],
};
