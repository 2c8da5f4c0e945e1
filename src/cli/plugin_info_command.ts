/** `plugd plugin info <id>`: one plugin for people (`--json` gives the API's view as is). */
import type { Command } from "./command.ts";
import { byteSize, duration, localTime } from "./human_format.ts";
import { printable } from "./terminal_text.ts";
import { print, table } from "./output.ts";
import { callApi, pluginIdArg, type PluginView, risksTable } from "./plugin_api.ts";
import { marketplaceInfoLines } from "./update_commands.ts";

type Stats = Record<string, unknown>;

/** Stats shown in their own rows; anything else the daemon reports follows as is. */
const KNOWN = new Set([
  "state",
  "reason",
  "pid",
  "uptimeMs",
  "caps",
  "lastHealth",
  "invocations",
  "errors",
  "timeouts",
  "restarts",
  "lastError",
  "denied",
  "protocolViolations",
  "droppedLogs",
  "rssBytes",
  "storage_bytes",
  "db_bytes",
  "emit_rate",
  "emit_denied",
  "emit_rate_limited",
  "disk",
]);

/** The health line: what the plugin's `health()` said, or why there is nothing yet. */
export function healthText(health: unknown): string {
  if (health === null || health === undefined) return "not reported yet";
  if (typeof health === "object") {
    const h = health as { status?: unknown; message?: unknown; at?: unknown; checked_at?: unknown };
    const at = h.at ?? h.checked_at;
    const parts = [String(h.status ?? "unknown")];
    if (h.message) parts.push(printable(String(h.message)));
    if (typeof at === "number" || typeof at === "string") parts.push(`at ${localTime(at)}`);
    return parts.join(", ");
  }
  return printable(String(health));
}

function runtimeLine(s: Stats): string {
  const state = String(s.state ?? "stopped");
  const bits: string[] = [];
  if (typeof s.pid === "number") bits.push(`pid ${s.pid}`);
  if (typeof s.uptimeMs === "number") bits.push(`up ${duration(s.uptimeMs)}`);
  if (s.reason) bits.push(printable(String(s.reason)));
  return bits.length ? `${state} (${bits.join(", ")})` : state;
}

/** `1.2 MiB of 100 MiB (volume)`: `$DATA` usage against its quota and how it is enforced. */
function diskText(disk: unknown): string {
  const d = disk as { usedBytes?: number; limitBytes?: number; enforcement?: string } | undefined;
  if (!d || typeof d.usedBytes !== "number") return "-";
  const how = d.enforcement === "volume" ? "volume" : "watched";
  return `${byteSize(d.usedBytes)} of ${byteSize(d.limitBytes)} (${how})`;
}

function statsTable(s: Stats): string {
  const denied = s.denied as { count?: number } | undefined;
  const rate = s.emit_rate as { per_s?: number; burst?: number } | null | undefined;
  const rows: [string, string][] = [
    ["invocations", String(s.invocations ?? 0)],
    ["errors", String(s.errors ?? 0)],
    ["timeouts", String(s.timeouts ?? 0)],
    ["restarts", String(s.restarts ?? 0)],
    ["permission denials", String(denied?.count ?? 0)],
    ["emits refused", `${s.emit_denied ?? 0} (${s.emit_rate_limited ?? 0} over the rate)`],
    ["emit rate", rate ? `${rate.per_s}/s, burst ${rate.burst}` : "-"],
    ["protocol violations", String(s.protocolViolations ?? 0)],
    ["log lines dropped", String(s.droppedLogs ?? 0)],
    ["memory (RSS)", byteSize(s.rssBytes as number | undefined)],
    ["storage", byteSize(s.storage_bytes as number | undefined)],
    ["database", byteSize(s.db_bytes as number | undefined)],
    ["$DATA", diskText(s.disk)],
  ];
  for (const [key, value] of Object.entries(s)) {
    if (!KNOWN.has(key)) rows.push([key, printable(JSON.stringify(value) ?? "-")]);
  }
  return table(["STAT", "VALUE"], rows).split("\n").map((l) => `  ${l}`).join("\n");
}

/** The software bill of materials: npm packages bundled into the package at pack time. */
function bundledTable(view: PluginView): string[] {
  const deps = view.dependencies ?? [];
  if (deps.length === 0) return [];
  return [
    "",
    "bundled npm dependencies:",
    table(
      ["PACKAGE", "VERSION", "LICENSE", "INTEGRITY"],
      deps.map((d) => [
        printable(d.name),
        printable(d.version),
        printable(d.license ?? "-"),
        printable(d.integrity ?? "-"),
      ]),
    ).split("\n").map((l) => `  ${l}`).join("\n"),
  ];
}

function recentDenials(s: Stats): string[] {
  const recent = (s.denied as { recent?: { what: string; when: number }[] } | undefined)?.recent;
  if (!recent?.length) return [];
  return [
    "recent denials:",
    ...recent.slice(-5).map((d) => `  ${localTime(d.when)}  ${printable(d.what)}`),
  ];
}

/** A system addon's lines: its own status, what it runs as, its operations. */
function addonLines(view: PluginView): string[] {
  const a = view.addon!;
  const running = a.running ? `; running ${a.running.operation} (${a.running.execution})` : "";
  return [
    `addon:      ${a.status}${a.version ? ` (reports ${printable(a.version)})` : ""}${running}`,
    `runs as:    ${a.privileged ? "ROOT on the host filesystem (privileged)" : "sandboxed bash"}`,
    `operations: ${(a.operations ?? []).join(", ") || "-"} (plugd plugin op ${view.id} <op>)`,
  ];
}

/** A version waiting for a grant while this one runs, and the two ways out. */
function pendingUpdateLines(view: PluginView): string[] {
  const next = view.pending_update;
  if (!next) return [];
  return [
    `update:     ${printable(next.to)} waits for a grant (${printable(next.permissions_diff)});`,
    `            plugd plugin grant ${view.id} switches to it, ` +
    `plugd plugin update ${view.id} --cancel withdraws it`,
  ];
}

/** The human text of `plugin info`. */
export function renderPluginInfo(view: PluginView): string {
  const s: Stats = view.stats ?? {};
  const m = view.manifest ?? {};
  const lastError = s.lastError as { message?: string; at?: number } | undefined;
  const hooks = (m.hooks ?? []).map((h) => `${h.kind} ${h.name}`).join(", ");
  return [
    `${view.id} ${view.version}${m.name ? ` — ${printable(m.name)}` : ""}`,
    ...(m.description ? [`  ${printable(m.description)}`] : []),
    "",
    `state:      ${view.state}${view.failed_reason ? ` (${printable(view.failed_reason)})` : ""}`,
    ...(view.addon ? addonLines(view) : [`process:    ${runtimeLine(s)}`]),
    `health:     ${healthText(view.health)}`,
    `caps:       ${s.caps ? printable(String(s.caps)) : "-"}`,
    `installed:  ${localTime(view.installed_at)} from ${printable(view.source ?? "-")} (${
      view.signed_by ? `signed by ${view.signed_by}` : "unsigned"
    })`,
    `updated:    ${localTime(view.updated_at)}`,
    ...marketplaceInfoLines(view as unknown as Record<string, unknown>),
    `granted:    ${view.permissions.granted ? "yes" : "no (plugd plugin grant " + view.id + ")"}`,
    ...pendingUpdateLines(view),
    ...(hooks ? [`hooks:      ${printable(hooks)}`] : []),
    ...(lastError?.message
      ? [`last error: ${printable(lastError.message)} (${localTime(lastError.at)})`]
      : []),
    "",
    "permissions:",
    risksTable(view.permissions.risks),
    ...bundledTable(view),
    "",
    "stats:",
    statsTable(s),
    ...recentDenials(s),
  ].join("\n");
}

/** `plugd plugin info <id>`. */
export const pluginInfoCommand: Command = {
  path: "plugin info",
  args: "<id>",
  summary: "show a plugin's state, process, health, grants, bundled npm dependencies and stats",
  arity: [1, 1],
  async run(ctx) {
    const view = await callApi<PluginView>(ctx, "GET", `/v1/plugins/${pluginIdArg(ctx)}`);
    print(ctx, view, () => renderPluginInfo(view));
    return 0;
  },
};
