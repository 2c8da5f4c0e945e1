/** `GET /ui/audit`: newest-first pages with filters; `?verify=1` checks the chain (read-only). */
import type { Hono } from "hono";
import { queryAudit } from "../../audit/mod.ts";
import type { ConsoleKit } from "../kit.ts";
import { AuditPage, type Verification } from "../pages/audit_page.tsx";
import { ConsoleError } from "../session_middleware.ts";
import type { ConsoleEnv } from "../types.ts";

const PAGE = 50;

/** Registers the audit page. */
export function auditRoutes(app: Hono<ConsoleEnv>, kit: ConsoleKit): void {
  app.get("/ui/audit", async (c) => {
    if (!c.get("can").read) throw new ConsoleError(403, "The audit log needs the reader scope");
    const action = (c.req.query("action") ?? "").trim().slice(0, 100);
    const target = (c.req.query("target") ?? "").trim().slice(0, 200);
    const beforeText = c.req.query("before");
    const before = beforeText && /^\d{1,15}$/.test(beforeText) ? Number(beforeText) : null;
    const verification = c.req.query("verify") === "1"
      ? await kit.api(c).get<Verification>("/v1/audit?verify=true")
      : undefined;
    const rows = await queryAudit(kit.deps.store, {
      beforeSeq: before ?? undefined,
      limit: PAGE,
      newestFirst: true,
      // "plugin." reads as the prefix "plugin.*".
      action: action ? (action.endsWith(".") ? `${action}*` : action) : undefined,
      target: target || undefined,
    });
    const older = rows.length === PAGE ? rows.at(-1)!.seq : null;
    return await kit.render(
      c,
      <AuditPage ctx={kit.page(c)} data={{ rows, action, target, before, older, verification }} />,
    );
  });
}
