import { ApiClient } from "./client.ts";
import { type Command, EXIT } from "./command.ts";
import { print, table } from "./output.ts";

interface AuditRow {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  result: string;
}

interface Verification {
  ok: boolean;
  rows: number;
  broken_at: number | null;
  reason: string | null;
}

/**
 * `plugd audit [--verify] [--limit N] [--after SEQ] [--actor A] [--action A] [--target T]
 * [--result R] [--since TIME] [--until TIME]`: lists the audit log (filtered; `*` at the end of
 * actor/action/target matches a prefix), or verifies the hash chain and its head; exits 1 and names the first broken link when the log was tampered with.
 */
export const auditCommand: Command = {
  path: "audit",
  args: "",
  summary: "show the audit log; --verify checks the hash chain (exit 1 if tampered)",
  notes: "Rows are listed oldest first, 100 at a time (`--after SEQ` pages). With `--verify`: " +
    "`audit log intact: N rows …` and exit 0, or `audit log BROKEN at seq N: <reason>` and exit 1 " +
    "(an altered row, a deleted row and deleted last rows are all found).",
  arity: [0, 0],
  options: {
    verify: {
      type: "boolean",
      description: "check the hash chain and its recorded head; exit 1 when broken",
    },
    limit: { type: "string", value: "N", description: "rows per page (default 100)" },
    after: { type: "string", value: "SEQ", description: "rows after this sequence number" },
    actor: {
      type: "string",
      value: "ACTOR",
      description: "only rows by this actor (token id, socket, ...)",
    },
    action: { type: "string", value: "ACTION", description: "only this action, e.g. plugin.grant" },
    target: {
      type: "string",
      value: "TARGET",
      description: "only this target; a trailing * matches a prefix",
    },
    result: {
      type: "string",
      value: "RESULT",
      description: "only rows with this result (ok, refused, ...)",
    },
    since: { type: "string", value: "TIME", description: "only rows at or after this ISO time" },
    until: { type: "string", value: "TIME", description: "only rows before this ISO time" },
  },
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    if (ctx.options.verify) {
      const v = await client.request<Verification>("GET", "/v1/audit?verify=true");
      print(
        ctx,
        v,
        () =>
          v.ok
            ? `audit log intact: ${v.rows} rows, hash chain and head verified`
            : `audit log BROKEN at seq ${v.broken_at}: ${v.reason} (${v.rows} rows checked)`,
      );
      return v.ok ? EXIT.ok : EXIT.failure;
    }
    const query = new URLSearchParams();
    if (ctx.options.limit) query.set("limit", String(ctx.options.limit));
    for (const name of ["after", "actor", "action", "target", "result", "since", "until"]) {
      if (ctx.options[name]) query.set(name, String(ctx.options[name]));
    }
    const page = await client.request<{ rows: AuditRow[]; next_after: number | null }>(
      "GET",
      `/v1/audit${query.size ? `?${query}` : ""}`,
    );
    print(ctx, page, () =>
      table(
        ["SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "RESULT"],
        page.rows.map((r) => [r.seq, r.ts, r.actor, r.action, r.target, r.result]),
      ) + (page.next_after ? `\n(more: plugd audit --after ${page.next_after})` : ""));
    return EXIT.ok;
  },
};
