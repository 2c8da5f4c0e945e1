/**
 * `plugd fleet apply`: checks every plugin of a fleet document against its real package
 * (version resolves, signature verifies, grant equals request, config fits the schema), computes
 * the plan (which hosts change, how, in which wave), and writes the desired state with revision
 * checks, so two applies at once cannot silently overwrite each other. Nothing is written when
 * anything is wrong.
 */
import type { KV } from "@nats-io/kv";
import { canonicalJson } from "../signing/mod.ts";
import { FleetApplyError } from "./errors.ts";
import { type DocumentProblem, FleetDocumentError, parseFleetDocument } from "./fleet_document.ts";
import { sealEntry } from "./desired_entry.ts";
import { jsonBytes } from "./fleet_bucket.ts";
import type { FleetMirror } from "./fleet_mirror.ts";
import { KEYS } from "./names.ts";
import {
  type CheckContext,
  configMismatch,
  fetchManifest,
  grantMismatch,
  resolveVersion,
} from "./package_check.ts";
import { rolloutView } from "./rollout_view.ts";
import { rolloutWaves, selects } from "./targeting.ts";
import type { DesiredEntry, PluginSpec, RolloutPlan } from "./types.ts";

/** What happens to one host for one plugin. */
export interface HostChange {
  host: string;
  action: "install" | "update" | "reconfigure" | "remove" | "unchanged";
  from: string | null;
  to: string | null;
  /** 1-based rollout wave, when the version changes in waves. */
  wave: number | null;
}

/** The plan of one plugin. */
export interface PluginPlan {
  id: string;
  action: "add" | "update" | "change" | "remove" | "unchanged";
  from: string | null;
  to: string | null;
  rollout: RolloutPlan | null;
  hosts: HostChange[];
}

/** What apply answers. */
export interface ApplyResult {
  written: boolean;
  plugins: PluginPlan[];
}

/** The fields an operator declares; a re-apply of the same ones changes nothing. */
function declared(
  e: Pick<
    DesiredEntry,
    "id" | "range" | "version" | "registry" | "grant" | "config" | "secrets" | "hosts" | "rollout"
  >,
) {
  const { id, range, version, registry, grant, config, secrets, hosts, rollout } = e;
  return canonicalJson({ id, range, version, registry, grant, config, secrets, hosts, rollout });
}

/** Checks, plans and (unless `dryRun`) writes a fleet document. */
export async function applyFleet(
  ctx: CheckContext & { mirror: FleetMirror; kv: KV | null },
  doc: unknown,
  o: { dryRun: boolean; actor: string },
): Promise<ApplyResult> {
  let specs: PluginSpec[];
  try {
    specs = parseFleetDocument(doc);
  } catch (error) {
    if (error instanceof FleetDocumentError) {
      throw new FleetApplyError(error.message, error.problems);
    }
    throw error;
  }
  const problems: DocumentProblem[] = [];
  const resolved = await Promise.all(specs.map(async (spec, i) => {
    const at = `plugins[${i}]`;
    try {
      const version = await resolveVersion(ctx, spec.id, spec.version, spec.registry);
      const manifest = await fetchManifest(ctx, spec.id, version, spec.registry);
      const grant = grantMismatch(manifest, spec.grant);
      if (grant) problems.push({ field: `${at}.grant`, message: grant });
      const config = configMismatch(manifest, spec.config, spec.secrets);
      if (config) problems.push({ field: `${at}.config`, message: config });
      return { spec, version };
    } catch (error) {
      problems.push({ field: `${at}.version`, message: (error as Error).message });
      return { spec, version: "" };
    }
  }));
  if (problems.length) {
    throw new FleetApplyError(
      `fleet apply refused, nothing written: ${
        problems.map((p) => `${p.field}: ${p.message}`).join("; ")
      }`,
      problems,
    );
  }
  const now = new Date().toISOString();
  const hosts = [...ctx.mirror.hosts.values()].map((h) => h.info)
    .filter((h) => ctx.mirror.online(h.id));
  const writes: { key: string; entry: DesiredEntry | null; revision: number | null }[] = [];
  const plans: PluginPlan[] = [];
  for (const { spec, version } of resolved) {
    const slot = ctx.mirror.desired.get(spec.id);
    const prev = slot?.entry ?? null;
    const targeted = hosts.filter((h) => selects(spec.hosts, h.id, h.labels)).map((h) => h.id)
      .sort();
    const { version: range, ...rest } = spec;
    const base = { format: 1 as const, ...rest, range, version };
    // What the hosts run now: an unfinished rollout (halted, aborted) left them on its `from`.
    const running = prev ? runningVersion(ctx.mirror, prev) : null;
    const versionChanged = !!prev && prev.version !== version;
    const plan: RolloutPlan | null = versionChanged && spec.rollout && running !== version
      ? {
        id: `r${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 8)}`,
        from: running!,
        to: version,
        waves: rolloutWaves(targeted, spec.rollout),
        created_at: now,
      }
      : prev && !versionChanged
      ? prev.plan
      : null;
    const unchanged = !!prev && declared(prev) === declared(base);
    if (!unchanged) {
      const entry = await sealEntry({ ...base, plan, applied_at: now, applied_by: o.actor });
      writes.push({ key: KEYS.desired(spec.id), entry, revision: slot?.revision ?? null });
    }
    plans.push({
      id: spec.id,
      action: !slot ? "add" : unchanged ? "unchanged" : versionChanged ? "update" : "change",
      from: prev?.version ?? null,
      to: version,
      rollout: versionChanged ? plan : null,
      hosts: hostChanges(ctx.mirror, spec.id, targeted, version, unchanged, plan),
    });
  }
  for (const [id, slot] of ctx.mirror.desired) {
    if (specs.some((s) => s.id === id)) continue;
    writes.push({ key: KEYS.desired(id), entry: null, revision: slot.revision });
    const hostsWith = [...ctx.mirror.statusesOf(id).values()];
    plans.push({
      id,
      action: "remove",
      from: slot.entry?.version ?? null,
      to: null,
      rollout: null,
      hosts: hostsWith.map((s) => ({
        host: s.host,
        action: "remove",
        from: s.version,
        to: null,
        wave: null,
      })),
    });
  }
  if (o.dryRun || writes.length === 0) return { written: false, plugins: plans };
  if (!ctx.kv) throw new FleetApplyError("NATS is not reachable: nothing written");
  for (const w of writes) {
    try {
      if (w.entry === null) await ctx.kv.delete(w.key, { previousSeq: w.revision! });
      else if (w.revision === null) await ctx.kv.create(w.key, jsonBytes(w.entry));
      else await ctx.kv.update(w.key, jsonBytes(w.entry), w.revision);
    } catch (error) {
      throw new FleetApplyError(
        `${w.key} changed while applying (${(error as Error).message}); earlier plugins of ` +
          "this apply were written; run plugd fleet apply again",
        [],
        true,
      );
    }
  }
  return { written: true, plugins: plans };
}

/** The version the hosts of `entry` run: its rollout's `from` until that rollout completed. */
function runningVersion(mirror: FleetMirror, entry: DesiredEntry): string {
  if (!entry.plan) return entry.version;
  const view = rolloutView(
    entry,
    mirror.statusesOf(entry.id),
    mirror.controls.get(entry.id) ?? null,
    mirror.online,
  );
  return view.state === "complete" ? entry.version : entry.plan.from;
}

function hostChanges(
  mirror: FleetMirror,
  id: string,
  targeted: string[],
  version: string,
  unchanged: boolean,
  plan: RolloutPlan | null,
): HostChange[] {
  const statuses = mirror.statusesOf(id);
  const out: HostChange[] = targeted.map((host) => {
    const from = statuses.get(host)?.version ?? null;
    const wave = plan ? plan.waves.findIndex((w) => w.includes(host)) + 1 || null : null;
    const action = from === null
      ? "install"
      : from !== version
      ? "update"
      : unchanged
      ? "unchanged"
      : "reconfigure";
    return { host, action, from, to: version, wave: action === "update" ? wave : null };
  });
  for (const s of statuses.values()) {
    if (!targeted.includes(s.host)) {
      out.push({ host: s.host, action: "remove", from: s.version, to: null, wave: null });
    }
  }
  return out;
}
