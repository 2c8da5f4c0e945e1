/** A plugin's history from the audit log: installs, grants, updates, config changes, state. */
import type { Child } from "hono/jsx";
import type { AuditRow } from "../../audit/mod.ts";
import { inert } from "../inert_text.ts";
import type { PluginView } from "../types.ts";
import { Empty, Section, TableWrap, Time } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { PluginHeader } from "../ui/plugin_header.tsx";

/** Details worth a column: versions and what changed (never secrets: the audit has none). */
function summary(row: AuditRow): string {
  const d = row.detail ?? {};
  const parts: string[] = [];
  for (const key of ["from", "to", "version", "previous_version", "source", "reason", "via"]) {
    if (d[key] !== undefined && d[key] !== null) {
      parts.push(`${key} ${typeof d[key] === "string" ? d[key] : JSON.stringify(d[key])}`);
    }
  }
  if (parts.length === 0 && Object.keys(d).length > 0) parts.push(JSON.stringify(d).slice(0, 200));
  return parts.join(", ");
}

/** The history page. */
export function PluginHistoryPage(
  props: { ctx: PageContext; view: PluginView; rows: AuditRow[] },
): Child {
  const { ctx, view: v, rows } = props;
  const updates = rows.filter((r) => /^plugin\.(install|update)/.test(r.action));
  return (
    <Layout ctx={ctx} title={`${v.manifest.name}: history`} active="plugins" live>
      <PluginHeader ctx={ctx} view={v} tab="history" />
      <Section title="Versions" id="versions">
        {updates.length === 0
          ? <Empty>No install or update is recorded.</Empty>
          : (
            <ul class="plain">
              {updates.map((r) => (
                <li>
                  <Time value={r.ts} /> <strong>{inert(r.action)}</strong> {inert(summary(r))}{" "}
                  <span class={r.result === "ok" ? "muted" : "bad"}>{inert(r.result)}</span>
                </li>
              ))}
            </ul>
          )}
      </Section>
      <Section title="Everything recorded about this plugin" id="audit">
        {rows.length === 0
          ? <Empty>Nothing recorded.</Empty>
          : (
            <TableWrap label="Audit rows for this plugin">
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">Result</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr>
                      <td>{r.seq}</td>
                      <td>
                        <Time value={r.ts} />
                      </td>
                      <td class="mono small">{inert(r.actor)}</td>
                      <td>{inert(r.action)}</td>
                      <td>{inert(r.result)}</td>
                      <td class="small">{inert(summary(r))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        <p>
          <a href={`/ui/audit?target=${v.id}`}>Open in the audit log</a>
        </p>
      </Section>
    </Layout>
  );
}
