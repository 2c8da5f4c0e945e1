/**
 * The `nats.*` and `fleet.*` settings: how a daemon joins a fleet over NATS JetStream. Without
 * `nats.url` (`PLUGD_NATS_URL`) there is no fleet and the daemon is a single host.
 */
import { ConfigError } from "./errors.ts";
import type { ConfigFile } from "./read_config_file.ts";
import { describeOrigin, type Origin } from "./settings.ts";
import type { FleetSettings } from "./types.ts";

/** What the loader lends this parser: its `pick` (flags > env > file, paths resolved). */
export interface FleetPick {
  pick: (key: string, path?: boolean) => string | undefined;
  env: Record<string, string | undefined>;
  file: ConfigFile | null;
  origins: Record<string, Origin>;
}

/** Fleet ids, host ids and label parts: what is safe in a NATS subject and a KV key. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const SERVER = /^(nats|tls|ws|wss):\/\/[^\s,]+$|^[^\s,:/]+(:\d{1,5})?$/;

/** Parses the fleet settings; null when `nats.url` is not set. */
export function fleetSettings(o: FleetPick): FleetSettings | null {
  const url = o.pick("nats.url");
  if (url === undefined || url.trim() === "") return null;
  const where = (key: string) => describeOrigin(o.origins[key] ?? { kind: "default", key });
  const servers = url.split(",").map((s) => s.trim()).filter(Boolean);
  for (const s of servers) {
    if (!SERVER.test(s)) {
      throw new ConfigError(
        `${where("nats.url")} must be NATS URLs such as nats://127.0.0.1:4222 or ` +
          `tls://nats.example.com:4222 (comma-separated); got "${s}"`,
      );
    }
  }
  const hostId = o.pick("fleet.host_id") ?? defaultHostId();
  if (!NAME.test(hostId)) {
    throw new ConfigError(
      `${where("fleet.host_id")} must be 1-63 letters, digits, - or _ (it names KV keys and ` +
        `consumers); got "${hostId}"`,
    );
  }
  const name = o.pick("fleet.name") ?? "plugd";
  if (!NAME.test(name)) {
    throw new ConfigError(`${where("fleet.name")} must be 1-63 letters, digits, - or _`);
  }
  const replicasText = o.pick("fleet.replicas") ?? "1";
  const replicas = Number(replicasText);
  if (![1, 3, 5].includes(replicas)) {
    throw new ConfigError(`${where("fleet.replicas")} must be 1, 3 or 5; got "${replicasText}"`);
  }
  const tlsCa = o.pick("nats.tls_ca", true) ?? null;
  const tlsCert = o.pick("nats.tls_cert", true) ?? null;
  const tlsKey = o.pick("nats.tls_key", true) ?? null;
  if ((tlsCert === null) !== (tlsKey === null)) {
    throw new ConfigError(
      "nats.tls_cert and nats.tls_key go together (a client certificate and its key)",
    );
  }
  const tls = tlsCa || tlsCert || servers.some((s) => s.startsWith("tls://"))
    ? { caFile: tlsCa, certFile: tlsCert, keyFile: tlsKey }
    : null;
  const credsFile = o.pick("nats.creds", true) ?? null;
  const nkeyFile = o.pick("nats.nkey", true) ?? null;
  const user = o.pick("nats.user") ?? null;
  const password = o.env.PLUGD_NATS_PASSWORD ?? null;
  const token = o.env.PLUGD_NATS_TOKEN ?? null;
  const methods = [credsFile, nkeyFile, user ?? password, token].filter((m) => m !== null);
  if (methods.length > 1) {
    throw new ConfigError(
      "Give one NATS authentication: nats.creds, nats.nkey, nats.user with " +
        "PLUGD_NATS_PASSWORD, or PLUGD_NATS_TOKEN",
    );
  }
  if ((user === null) !== (password === null)) {
    throw new ConfigError("nats.user needs PLUGD_NATS_PASSWORD (and the other way round)");
  }
  return {
    servers,
    credsFile,
    nkeyFile,
    user,
    password,
    token,
    tls,
    name,
    hostId,
    labels: labels(o, where),
    secretEnv: secretEnv(o, where),
    replicas,
  };
}

/** `fleet.labels`: a mapping in the file, `role=web,zone=a` in the environment. */
function labels(o: FleetPick, where: (key: string) => string): Record<string, string> {
  let entries: [string, unknown][];
  if (o.env.PLUGD_FLEET_LABELS !== undefined) {
    o.origins["fleet.labels"] = { kind: "env", name: "PLUGD_FLEET_LABELS" };
    entries = o.env.PLUGD_FLEET_LABELS.split(",").map((p) => p.trim()).filter(Boolean).map(
      (p) => {
        const eq = p.indexOf("=");
        if (eq < 1) throw new ConfigError(`PLUGD_FLEET_LABELS: "${p}" is not name=value`);
        return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
      },
    );
  } else {
    const value = o.file?.values.get("fleet.labels");
    if (value === undefined || value === null) return {};
    o.origins["fleet.labels"] = { kind: "file", key: "fleet.labels", path: o.file!.path };
    if (typeof value !== "object" || Array.isArray(value)) {
      throw new ConfigError(`${where("fleet.labels")} must be a mapping such as {role: web}`);
    }
    entries = Object.entries(value as Record<string, unknown>);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    const text = typeof v === "number" || typeof v === "boolean" ? String(v) : v;
    if (!NAME.test(k) || typeof text !== "string" || !LABEL_VALUE.test(text)) {
      throw new ConfigError(
        `${where("fleet.labels")}: label ${k}=${String(v)} must be a name and a value of ` +
          "letters, digits, ., - or _",
      );
    }
    out[k] = text;
  }
  return out;
}

/** `fleet.secret_env`: a list in the file, comma-separated in the environment. */
function secretEnv(o: FleetPick, where: (key: string) => string): string[] {
  let list: unknown;
  if (o.env.PLUGD_FLEET_SECRET_ENV !== undefined) {
    o.origins["fleet.secret_env"] = { kind: "env", name: "PLUGD_FLEET_SECRET_ENV" };
    list = o.env.PLUGD_FLEET_SECRET_ENV.split(",").map((s) => s.trim()).filter(Boolean);
  } else {
    list = o.file?.values.get("fleet.secret_env") ?? [];
    if (o.file?.values.has("fleet.secret_env")) {
      o.origins["fleet.secret_env"] = { kind: "file", key: "fleet.secret_env", path: o.file.path };
    }
  }
  if (
    !Array.isArray(list) || list.some((n) => typeof n !== "string" || !/^[A-Z0-9_*]+$/i.test(n))
  ) {
    throw new ConfigError(
      `${where("fleet.secret_env")} must be a list of environment variable names or globs ` +
        "(SLACK_*)",
    );
  }
  return list as string[];
}

function defaultHostId(): string {
  let name = "host";
  try {
    name = Deno.hostname();
  } catch { /* no --allow-sys: a generic name */ }
  return name.split(".")[0]!.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 63) || "host";
}
