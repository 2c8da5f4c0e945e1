/**
 * `fleet.yaml`: the plugins a fleet runs, as declared by an operator. Parsing reports every
 * problem with its place (`plugins[0].rollout.batch`), not only the first.
 */
import * as semver from "semver";
import { isPluginId, type Permissions } from "../manifest/mod.ts";
import type { HostSelector, PluginSpec, RolloutPolicy, SecretRef } from "./types.ts";

/** One problem in a fleet document. */
export interface DocumentProblem {
  field: string;
  message: string;
}

/** Thrown with every problem of a fleet document. */
export class FleetDocumentError extends Error {
  override name = "FleetDocumentError";
  readonly problems: DocumentProblem[];
  constructor(problems: DocumentProblem[]) {
    super(
      `fleet document: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`,
    );
    this.problems = problems;
  }
}

const PLUGIN_KEYS = ["id", "version", "registry", "grant", "config", "secrets", "hosts", "rollout"];
const ROLLOUT_KEYS = ["canary", "batch", "pause_s", "halt_on"];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const HOST_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const SECRET_PATH = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;

/** The default rollout policy when `rollout:` is given in part. */
export const DEFAULT_ROLLOUT: RolloutPolicy = {
  canary: 1,
  batch: "25%",
  pause_s: 30,
  halt_on: "failed",
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses a fleet document (YAML already parsed); throws {@linkcode FleetDocumentError}. */
export function parseFleetDocument(doc: unknown): PluginSpec[] {
  const p: DocumentProblem[] = [];
  if (!isRecord(doc)) {
    throw new FleetDocumentError([{
      field: "(document)",
      message: "must be a mapping with plugins:",
    }]);
  }
  for (const key of Object.keys(doc)) {
    if (key !== "plugins") {
      p.push({ field: key, message: "unknown key; the document has plugins:" });
    }
  }
  const list = doc.plugins ?? [];
  if (!Array.isArray(list)) p.push({ field: "plugins", message: "must be a list of plugins" });
  const specs: PluginSpec[] = [];
  const seen = new Set<string>();
  for (const [i, item] of (Array.isArray(list) ? list : []).entries()) {
    const spec = parsePluginSpec(item, `plugins[${i}]`, p);
    if (!spec) continue;
    if (seen.has(spec.id)) {
      p.push({ field: `plugins[${i}].id`, message: `"${spec.id}" is declared twice` });
    }
    seen.add(spec.id);
    specs.push(spec);
  }
  if (p.length) throw new FleetDocumentError(p);
  return specs;
}

/** Parses one plugin spec at `at`, pushing problems; null when unusable. */
export function parsePluginSpec(v: unknown, at: string, p: DocumentProblem[]): PluginSpec | null {
  if (!isRecord(v)) {
    p.push({ field: at, message: "must be a mapping with id, version, registry, grant" });
    return null;
  }
  const before = p.length;
  for (const key of Object.keys(v)) {
    if (!PLUGIN_KEYS.includes(key)) {
      p.push({ field: `${at}.${key}`, message: `unknown key; allowed: ${PLUGIN_KEYS.join(", ")}` });
    }
  }
  if (typeof v.id !== "string" || !isPluginId(v.id)) {
    p.push({ field: `${at}.id`, message: "must be a plugin id such as slack-notify" });
  }
  const version = v.version === undefined ? "latest" : String(v.version);
  if (version !== "latest" && semver.validRange(version) === null) {
    p.push({ field: `${at}.version`, message: `"${version}" is not a version or semver range` });
  }
  if (typeof v.registry !== "string" || !/^(https?:\/\/\S+|\/\S+)$/.test(v.registry)) {
    p.push({
      field: `${at}.registry`,
      message: "must be the registry's http(s) URL (or the same absolute path on every host)",
    });
  }
  const grant = parseGrant(v.grant, `${at}.grant`, p);
  if (v.config !== undefined && !isRecord(v.config)) {
    p.push({ field: `${at}.config`, message: "must be a mapping of settings" });
  }
  const secrets = parseSecrets(v.secrets, `${at}.secrets`, p);
  const hosts = parseHosts(v.hosts, `${at}.hosts`, p);
  const rollout = parseRollout(v.rollout, `${at}.rollout`, p);
  if (p.length > before) return null;
  return {
    id: v.id as string,
    version,
    registry: v.registry as string,
    grant,
    config: (v.config as Record<string, unknown> | undefined) ?? {},
    secrets,
    hosts,
    rollout,
  };
}

function parseGrant(v: unknown, at: string, p: DocumentProblem[]): Permissions {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) {
    p.push({
      field: at,
      message: 'must be the permissions the plugin requests, e.g. {net: ["api.example.com:443"]}',
    });
    return {};
  }
  for (const [kind, list] of Object.entries(v)) {
    if (!Array.isArray(list) || list.some((e) => typeof e !== "string")) {
      p.push({ field: `${at}.${kind}`, message: "must be a list of strings" });
    }
  }
  return v as Permissions;
}

function parseSecrets(v: unknown, at: string, p: DocumentProblem[]): Record<string, SecretRef> {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) {
    p.push({ field: at, message: "must map config paths to {from: env, name: VARIABLE}" });
    return {};
  }
  const out: Record<string, SecretRef> = {};
  for (const [path, ref] of Object.entries(v)) {
    if (!SECRET_PATH.test(path)) {
      p.push({
        field: `${at}.${path}`,
        message: "must be a config path such as webhook_url or github/token",
      });
    }
    if (
      !isRecord(ref) || ref.from !== "env" || typeof ref.name !== "string" ||
      !ENV_NAME.test(ref.name) || Object.keys(ref).some((k) => k !== "from" && k !== "name")
    ) {
      p.push({
        field: `${at}.${path}`,
        message: "must be {from: env, name: VARIABLE}: secrets are read on each host, never stored",
      });
      continue;
    }
    out[path] = { from: "env", name: ref.name };
  }
  return out;
}

function parseHosts(v: unknown, at: string, p: DocumentProblem[]): HostSelector | null {
  if (v === undefined || v === null) return null;
  if (!isRecord(v) || Object.keys(v).some((k) => k !== "labels" && k !== "ids")) {
    p.push({ field: at, message: "must be {labels: {name: value}, ids: [host ids]}" });
    return null;
  }
  const out: HostSelector = {};
  if (v.labels !== undefined) {
    if (
      !isRecord(v.labels) ||
      Object.values(v.labels).some((x) =>
        typeof x !== "string" && typeof x !== "number" && typeof x !== "boolean"
      )
    ) {
      p.push({ field: `${at}.labels`, message: "must map label names to values" });
    } else {out.labels = Object.fromEntries(
        Object.entries(v.labels).map(([k, x]) => [k, String(x)]),
      );}
  }
  if (v.ids !== undefined) {
    if (!Array.isArray(v.ids) || v.ids.some((x) => typeof x !== "string" || !HOST_ID.test(x))) {
      p.push({ field: `${at}.ids`, message: "must be a list of host ids" });
    } else out.ids = v.ids as string[];
  }
  return out;
}

function parseRollout(v: unknown, at: string, p: DocumentProblem[]): RolloutPolicy | null {
  if (v === undefined || v === null) return null;
  if (!isRecord(v)) {
    p.push({ field: at, message: "must be {canary, batch, pause_s, halt_on}" });
    return null;
  }
  for (const key of Object.keys(v)) {
    if (!ROLLOUT_KEYS.includes(key)) {
      p.push({
        field: `${at}.${key}`,
        message: `unknown key; allowed: ${ROLLOUT_KEYS.join(", ")}`,
      });
    }
  }
  const r = { ...DEFAULT_ROLLOUT, ...v } as Record<string, unknown>;
  if (!Number.isInteger(r.canary) || (r.canary as number) < 0) {
    p.push({ field: `${at}.canary`, message: "must be a whole number of hosts (0 for no canary)" });
  }
  const batchOk = (Number.isInteger(r.batch) && (r.batch as number) > 0) ||
    (typeof r.batch === "string" && /^(100|[1-9][0-9]?)%$/.test(r.batch));
  if (!batchOk) {
    p.push({
      field: `${at}.batch`,
      message: 'must be a number of hosts or a percentage like "25%"',
    });
  }
  if (typeof r.pause_s !== "number" || !(r.pause_s >= 0) || r.pause_s > 86_400) {
    p.push({ field: `${at}.pause_s`, message: "must be seconds between 0 and 86400" });
  }
  if (r.halt_on !== "failed" && r.halt_on !== "never") {
    p.push({ field: `${at}.halt_on`, message: 'must be "failed" or "never"' });
  }
  return r as unknown as RolloutPolicy;
}
