/** A plugin's summary: what it is, the permission review, its sandbox, activity and handlers. */
import type { Child } from "hono/jsx";
import { inert, safeHref } from "../inert_text.ts";
import type { PluginView } from "../types.ts";
import { Csrf, Section, T, TableWrap, Time } from "../ui/components.tsx";
import { grantDiff } from "../ui/grant_diff.ts";
import { Layout } from "../ui/layout.tsx";
import { Counters } from "../ui/live_fragments.tsx";
import type { PageContext } from "../ui/page.ts";
import { CommandLine, PermissionReview, PrivilegedConfirm } from "../ui/permission_review.tsx";
import { awaitingGrant, PluginHeader, requestToGrant } from "../ui/plugin_header.tsx";
import { type ActivityData, ActivityPanel, HandlersPanel } from "../ui/activity.tsx";
import { AddonPanel, type ExecutionRow } from "../ui/addon_panel.tsx";

/** Everything the summary shows. */
export interface PluginPageData {
  view: PluginView;
  flags: { argv: string[]; env: string[] } | null;
  activity: ActivityData;
  /** The grant before a pending widening update (the update cleared it). */
  previousGrant: Record<string, string[]> | null;
  slots: Child[];
  /** A system addon's newest execution records. @default [] */
  executions?: ExecutionRow[];
}

function bytes(n: number | undefined): string {
  if (n === undefined) return "—";
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

/** Which tenants a plugin runs for, each linked to its page. */
function TenantList(props: { tenants: PluginView["tenants"] }): Child {
  const t = props.tenants;
  if (t === undefined || t === "all") return <span>every tenant</span>;
  if (t.length === 0) return <span class="warn">none (enabled for no tenant yet)</span>;
  return (
    <span class="mono">
      {t.map((id, i) => (
        <>
          {i > 0 && ", "}
          <a href={`/ui/tenants#tenant-${encodeURIComponent(id)}`}>{inert(id)}</a>
        </>
      ))}
    </span>
  );
}

/** The plugin summary page. */
export function PluginPage(props: { ctx: PageContext; data: PluginPageData }): Child {
  const { ctx, data } = props;
  const v = data.view;
  const m = v.manifest;
  const pending = awaitingGrant(v);
  const next = v.pending_update ?? null; // a waiting update: the running version keeps its grant
  const requested = requestToGrant(v);
  const before = v.permissions.granted ?? data.previousGrant;
  const diff = pending && before ? grantDiff(before, requested) : undefined;
  const homepage = safeHref(m.homepage);
  const counters = {
    invocations: v.stats.invocations,
    errors: v.stats.errors,
    restarts: v.stats.restarts,
    denials: (v.stats.denied?.count ?? 0) + (v.stats.emit_denied ?? 0),
    health: v.health,
  };
  return (
    <Layout
      ctx={ctx}
      title={m.name}
      active="plugins"
      live
      assets={["uplot.css", "uplot.js", "charts.js"]}
    >
      <PluginHeader ctx={ctx} view={v} tab="summary" />
      <div class="grid">
        <Section title="About" id="about">
          <p>
            <T v={m.description} />
          </p>
          <dl class="kv">
            <dt>Id</dt>
            <dd class="mono">{v.id}</dd>
            <dt>Author</dt>
            <dd>
              <T v={m.author ?? "—"} />{" "}
              {m.license && <span class="muted">({inert(m.license)})</span>}
            </dd>
            {m.homepage && (
              <>
                <dt>Homepage</dt>
                <dd>
                  {homepage
                    ? <a href={homepage} rel="noopener noreferrer">{inert(homepage)}</a>
                    : <T v={m.homepage} />}
                </dd>
              </>
            )}
            <dt>Signed by</dt>
            <dd class="mono">
              {v.signed_by ? <T v={v.signed_by} /> : <span class="warn">unsigned (dev mode)</span>}
            </dd>
            <dt>Works with</dt>
            <dd class="mono">plugd {inert(m.plugd)}</dd>
            <dt>Source</dt>
            <dd class="mono small">
              <T v={v.source} />
            </dd>
            <dt>Digest</dt>
            <dd class="mono small">sha256:{inert(v.digest)}</dd>
            <dt>Installed</dt>
            <dd>
              <Time value={v.installed_at} />, updated <Time value={v.updated_at} />
            </dd>
            <dt>Tenants</dt>
            <dd data-tenants>
              <TenantList tenants={v.tenants} />
            </dd>
            <dt>Limits</dt>
            <dd>
              {m.limits.memory_mb} MiB heap, {m.limits.timeout_ms} ms per call,{" "}
              {m.limits.concurrency} concurrent
            </dd>
            {Object.keys(m.dependencies?.plugins ?? {}).length > 0 && (
              <>
                <dt>Needs</dt>
                <dd class="mono">
                  {Object.entries(m.dependencies!.plugins).map(([id, range]) =>
                    `${inert(id)} ${inert(range)}`
                  ).join(", ")}
                </dd>
              </>
            )}
          </dl>
        </Section>
        <Section title="Runtime" id="runtime">
          <div sse-swap={`counters-${v.id}`}>
            <Counters p={counters} />
          </div>
          <dl class="kv">
            <dt>Process</dt>
            <dd>
              {v.stats.pid ? `pid ${v.stats.pid}` : "not running"}
              {v.stats.uptimeMs !== undefined && `, up ${Math.round(v.stats.uptimeMs / 1000)} s`}
            </dd>
            <dt>Memory</dt>
            <dd>{bytes(v.stats.rssBytes)} resident</dd>
            <dt>Caps</dt>
            <dd>
              <T v={v.stats.caps ?? "applied at start"} />
            </dd>
            <dt>Storage</dt>
            <dd>{bytes(v.stats.storage_bytes ?? 0)}</dd>
            <dt>Health</dt>
            <dd class="mono small">
              <T v={v.health === null || v.health === undefined ? "—" : JSON.stringify(v.health)} />
            </dd>
            {v.stats.lastError && (
              <>
                <dt>Last error</dt>
                <dd>
                  <T v={v.stats.lastError.message} /> <Time value={v.stats.lastError.at} />
                </dd>
              </>
            )}
          </dl>
          {(v.stats.denied?.recent.length ?? 0) > 0 && (
            <>
              <h3>Recent permission denials</h3>
              <ul class="plain small mono">
                {v.stats.denied!.recent.slice(-10).reverse().map((d) => (
                  <li>
                    <Time value={d.when} /> <T v={d.what} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </Section>
      </div>
      {v.addon && (
        <AddonPanel ctx={ctx} id={v.id} addon={v.addon} executions={data.executions ?? []} />
      )}
      <Section
        title={diff
          ? `Permission review: version ${next?.to ?? v.version} asks for more`
          : "Permission review"}
        id="review"
      >
        {diff && (
          <p>
            This update changes the permissions. Nothing new is granted until you approve exactly
            the list below; {v.state === "enabled"
              ? `version ${v.version} keeps running meanwhile`
              : "it stays stopped meanwhile"}.{next && " Approving switches to the new version."}
          </p>
        )}
        <PermissionReview
          risks={next?.risks ?? v.permissions.risks}
          diff={diff}
          caption={pending ? "Requested permissions (not granted yet)" : "Granted permissions"}
        />
        {pending && ctx.can.operate && (
          <form method="post" action={`/ui/plugins/${v.id}/grant`} class="actions">
            <Csrf token={ctx.session!.csrf} />
            <input type="hidden" name="reviewed" value={JSON.stringify(requested)} />
            {(requested.privileged ?? []).length > 0 && <PrivilegedConfirm />}
            <button type="submit" class="primary">
              {diff ? "Approve these changes" : "Grant exactly these permissions"}
            </button>
            {diff && !next && <span class="muted small">or remove the plugin to refuse them</span>}
          </form>
        )}
        {next && ctx.can.operate && (
          <form method="post" action={`/ui/plugins/${v.id}/update/cancel`} class="actions">
            <Csrf token={ctx.session!.csrf} />
            <input type="hidden" name="to" value={next.to} />
            <button type="submit">Cancel update</button>
            <span class="muted small">
              withdraws version {next.to}; {v.version} keeps running with its grant
            </span>
          </form>
        )}
      </Section>
      {(v.dependencies ?? []).length > 0 && (
        <Section title="Bundled npm dependencies" id="sbom">
          <p class="muted small">
            Bundled into the package when it was packed (its software bill of materials); the plugin
            fetches nothing at run time.
          </p>
          <TableWrap label="Bundled npm dependencies">
            <table class="sbom">
              <thead>
                <tr>
                  <th>Package</th>
                  <th>Version</th>
                  <th>License</th>
                  <th>Integrity</th>
                </tr>
              </thead>
              <tbody>
                {v.dependencies!.map((d) => (
                  <tr>
                    <td>
                      <T v={d.name} />
                    </td>
                    <td>
                      <T v={d.version} />
                    </td>
                    <td>
                      <T v={d.license ?? "-"} />
                    </td>
                    <td class="mono small">
                      <T v={d.integrity ?? "-"} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </Section>
      )}
      <Section title="Sandbox command line" id="sandbox">
        {data.flags
          ? (
            <details>
              <summary>
                {v.addon
                  ? "The exact keeper, bwrap and bash command line of its status operation"
                  : "The exact bwrap and deno command line"} ({data.flags.argv.length} arguments)
              </summary>
              <CommandLine argv={data.flags.argv} env={data.flags.env} />
            </details>
          )
          : <p class="empty">Not available for this plugin right now.</p>}
      </Section>
      <ActivityPanel id={v.id} data={data.activity} />
      <HandlersPanel view={v} data={data.activity} />
      {data.slots.length > 0 && <div class="grid slots" data-slot="plugin-detail">{data.slots}
      </div>}
    </Layout>
  );
}
