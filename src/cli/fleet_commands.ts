/**
 * `plugd fleet apply|status|rollout|emit`: the fleet through the daemon's API (any host of the
 * fleet answers; docs/fleet.md).
 */
import { parse as parseYaml } from "yaml";
import { ApiClient } from "./client.ts";
import { callerPath, type Command, type CommandContext, UsageError } from "./command.ts";
import { print, table } from "./output.ts";
import { readData } from "./hook_commands.ts";
import { printableDeep } from "./printable_deep.ts";
import type {
  ApplyResult,
  FleetStatus,
  PluginPlan,
  PluginStatus,
  RolloutView,
} from "../fleet/mod.ts";

async function call<T>(ctx: CommandContext, method: string, path: string, body?: unknown) {
  using client = ApiClient.fromContext(ctx);
  return await client.request<T>(method, path, body);
}

async function readDocument(ctx: CommandContext, file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === "-"
      ? await new Response(Deno.stdin.readable).text()
      : await Deno.readTextFile(callerPath(ctx, file));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parseYaml(text, { maxAliasCount: 50 });
  } catch (error) {
    throw new UsageError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
}

function describePlan(p: PluginPlan): string[] {
  const sign = { add: "+", update: "~", change: "~", remove: "-", unchanged: "=" }[p.action];
  const head = p.action === "remove"
    ? `${sign} ${p.id} ${p.from ?? ""}: remove`
    : p.action === "update"
    ? `${sign} ${p.id} ${p.from} -> ${p.to}${
      p.rollout ? ` in ${p.rollout.waves.length} wave(s)` : ""
    }`
    : `${sign} ${p.id} ${p.to}: ${
      p.action === "add" ? "add" : p.action === "change" ? "change settings" : "unchanged"
    }`;
  const hosts = p.hosts.filter((h) => h.action !== "unchanged").map((h) =>
    `    ${h.host}: ${h.action}${
      h.from && h.to && h.from !== h.to ? ` ${h.from} -> ${h.to}` : h.to ? ` ${h.to}` : ""
    }${h.wave ? ` (wave ${h.wave}${h.wave === 1 && p.rollout ? ", canary" : ""})` : ""}`
  );
  return [head, ...hosts];
}

export const fleetApplyCommand: Command = {
  path: "fleet apply",
  args: "<fleet.yaml>",
  summary: "check a fleet file against the registry's packages, print the plan, write it",
  arity: [1, 1],
  options: {
    "dry-run": { type: "boolean", description: "print the plan only; write nothing" },
  },
  notes: "Every plugin is checked before anything is written: the version resolves in its " +
    "registry, the package verifies, the grant equals what it requests, the config fits its " +
    "schema. Hosts converge on their own and report in `plugd fleet status`.",
  async run(ctx) {
    const document = await readDocument(ctx, ctx.args[0]!);
    const dryRun = ctx.options["dry-run"] === true;
    const r = await call<ApplyResult>(ctx, "POST", "/v1/fleet/apply", {
      document,
      dry_run: dryRun,
    });
    print(ctx, r, () => {
      const lines = printableDeep(r.plugins).flatMap(describePlan);
      const tail = r.written
        ? "written: hosts converge now (plugd fleet status --watch)"
        : dryRun
        ? "dry run: nothing written"
        : "nothing to change";
      return [...lines, tail].join("\n");
    });
    return 0;
  },
};

function statusCell(s: PluginStatus | undefined): string {
  if (!s) return "-";
  const v = s.version ?? "";
  if (s.state === "converged") return `${v}`;
  if (s.state === "waiting") return `${v} (waiting for ${s.target})`;
  return `${s.state}${v ? ` ${v}` : ""}`;
}

function renderStatus(status: FleetStatus): string {
  const st = printableDeep(status);
  const plugins = st.plugins.map((p) => p.id);
  const byKey = new Map(st.statuses.map((s) => [`${s.host} ${s.plugin}`, s]));
  const hostIds = [...new Set([...st.hosts.map((h) => h.id), ...st.statuses.map((s) => s.host)])]
    .sort();
  const rows = hostIds.map((id) => {
    const h = st.hosts.find((x) => x.id === id);
    return [
      id,
      h ? (h.online ? "online" : "offline") : "unknown",
      Object.entries(h?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "-",
      ...plugins.map((p) => statusCell(byKey.get(`${id} ${p}`))),
    ];
  });
  const desired = st.plugins.map((p) =>
    `${p.id}: ${p.error ? `REFUSED ${p.error}` : `${p.version} (${p.range})`}${
      p.rollout !== "none" ? `, rollout ${p.rollout}` : ""
    }`
  );
  const problems = st.statuses.filter((s) => s.state === "failed" || s.state === "waiting")
    .map((s) => `${s.host} ${s.plugin}: ${s.state}: ${s.reason ?? ""}`);
  return [
    `fleet seen from ${st.host} (${st.connected ? "connected" : "DISCONNECTED"})`,
    ...(desired.length ? ["desired: " + desired.join("; ")] : ["desired: nothing"]),
    table(["HOST", "STATE", "LABELS", ...plugins.map((p) => p.toUpperCase())], rows),
    ...problems,
  ].join("\n");
}

export const fleetStatusCommand: Command = {
  path: "fleet status",
  args: "",
  summary: "hosts x plugins: what each host runs, and why not when it differs",
  arity: [0, 0],
  options: {
    watch: { type: "boolean", short: "w", description: "redraw every second until Ctrl-C" },
  },
  async run(ctx) {
    if (ctx.options.watch !== true) {
      const status = await call<FleetStatus>(ctx, "GET", "/v1/fleet/status");
      print(ctx, status, () => renderStatus(status));
      return 0;
    }
    let stopped = false;
    const release = ctx.io.onInterrupt?.(() => (stopped = true)) ?? (() => {});
    try {
      let last = "";
      while (!stopped) {
        const status = await call<FleetStatus>(ctx, "GET", "/v1/fleet/status");
        const text = ctx.options.json ? JSON.stringify(status) : renderStatus(status);
        if (text !== last) ctx.io.out(ctx.options.json ? text : `\x1b[H\x1b[2J${text}`);
        last = text;
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      release();
    }
    return 0;
  },
};

function renderRollout(r: RolloutView): string {
  const v = printableDeep(r);
  if (!v.id) return `${v.plugin}: no rollout (at ${v.to})`;
  const head = `${v.plugin}: ${v.from} -> ${v.to} ${v.state}` +
    `${v.wave ? `, wave ${v.wave} of ${v.waves.length}` : ""}${
      v.attempt ? `, attempt ${v.attempt + 1}` : ""
    } (${v.id})`;
  const rows = v.waves.flatMap((w, i) =>
    w.map((h) => [String(i + 1), h.host, h.online ? h.state : "offline", h.version, h.reason])
  );
  return `${head}\n${table(["WAVE", "HOST", "STATE", "VERSION", "REASON"], rows)}`;
}

export const fleetRolloutCommand: Command = {
  path: "fleet rollout",
  args: "status [plugin] | pause|resume|abort <plugin>",
  summary: "see or steer staged rollouts (abort takes every host back to the previous version)",
  arity: [1, 2],
  async run(ctx) {
    const [action, plugin] = ctx.args as [string, string | undefined];
    if (action === "status") {
      const views = plugin
        ? [await call<RolloutView>(ctx, "GET", `/v1/fleet/rollouts/${encodeURIComponent(plugin)}`)]
        : (await call<{ rollouts: RolloutView[] }>(ctx, "GET", "/v1/fleet/rollouts")).rollouts;
      print(
        ctx,
        plugin ? views[0] : { rollouts: views },
        () =>
          views.length ? views.map(renderRollout).join("\n\n") : "no plugins in the desired state",
      );
      return 0;
    }
    if (!["pause", "resume", "abort"].includes(action)) {
      throw new UsageError(
        `unknown rollout action "${action}"; use status, pause, resume or abort`,
      );
    }
    if (!plugin) throw new UsageError(`plugd fleet rollout ${action} needs a plugin id`);
    const view = await call<RolloutView>(
      ctx,
      "POST",
      `/v1/fleet/rollouts/${encodeURIComponent(plugin)}/${action}`,
    );
    print(ctx, view, () => renderRollout(view));
    return 0;
  },
};

export const fleetEmitCommand: Command = {
  path: "fleet emit",
  args: "<type>",
  summary: "emit a CloudEvent to every host of the fleet (delivered at least once to each)",
  arity: [1, 1],
  options: {
    data: {
      type: "string",
      short: "d",
      value: "JSON|@FILE|@-",
      description: "the data: inline JSON, @file, or @- for stdin",
    },
    id: {
      type: "string",
      description: "event id (default: a new ULID); a repeated id is taken once per host",
    },
    source: { type: "string", value: "URI", description: 'CloudEvents source (default "/cli")' },
  },
  notes: "The event is stored by the daemon this command talks to before it answers, and " +
    "published to the fleet's stream (at once, or when NATS is reachable again). Each host feeds " +
    "it into its own intake: GET /v1/events/<id> on any host shows that host's results.",
  async run(ctx) {
    const event = {
      specversion: "1.0",
      type: ctx.args[0],
      source: (ctx.options.source as string | undefined) ?? "/cli",
      ...(ctx.options.id ? { id: ctx.options.id } : {}),
      data: await readData(ctx),
    };
    const r = await call<{ id: string }>(ctx, "POST", "/v1/fleet/events", event);
    print(ctx, r, () => `accepted ${r.id} for every host of the fleet`);
    return 0;
  },
};

export const fleetHostsCommand: Command = {
  path: "fleet hosts",
  args: "",
  summary:
    "the hosts of the fleet: labels, online or not, last heartbeat, plugd version, fleet task types",
  arity: [0, 0],
  async run(ctx) {
    const status = await call<FleetStatus>(ctx, "GET", "/v1/fleet/status");
    const hosts = status.hosts;
    print(ctx, { hosts }, () =>
      table(
        ["HOST", "STATE", "LABELS", "SEEN", "PLUGD", "TASKS"],
        printableDeep(hosts).map((h) => [
          h.id,
          h.online ? "online" : "offline",
          Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(",") || "-",
          h.seen_at,
          h.plugd,
          (h.tasks ?? []).join(",") || "-",
        ]),
      ));
    return 0;
  },
};

export const fleetForgetCommand: Command = {
  path: "fleet forget",
  args: "<host>",
  summary: "take a host that left for good out of the fleet (its statuses and event consumer)",
  arity: [1, 1],
  options: {
    force: { type: "boolean", description: "even if the host was heard from in the last minute" },
  },
  async run(ctx) {
    const host = ctx.args[0]!;
    const r = await call<{ host: string; statuses: number; consumer: boolean }>(
      ctx,
      "DELETE",
      `/v1/fleet/hosts/${encodeURIComponent(host)}${ctx.options.force ? "?force=true" : ""}`,
    );
    print(ctx, r, () => `forgot ${printableDeep(r.host)}: ${r.statuses} status(es) removed`);
    return 0;
  },
};

export const FLEET_COMMANDS: readonly Command[] = [
  fleetApplyCommand,
  fleetStatusCommand,
  fleetHostsCommand,
  fleetRolloutCommand,
  fleetEmitCommand,
  fleetForgetCommand,
];
