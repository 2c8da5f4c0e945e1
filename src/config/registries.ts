/**
 * The `registries` setting: where plugins come from, in priority order. Each entry is a static
 * index (a path or URL of an `index.json`) or a registry server (`plugd registry serve`) with,
 * optionally, the public key its advisory feed is signed with.
 *
 * - plugd.yaml: `registries: ["./index.json", {url: https://reg.example.com, name: corp,
 *   advisory_key: /etc/plugd/corp-advisory.pub}]`
 * - environment: `PLUGD_REGISTRIES=./index.json,https://reg.example.com;name=corp;key=/etc/…pub`
 */
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { ConfigError } from "./errors.ts";
import type { ConfigFile } from "./read_config_file.ts";
import { describeOrigin, type Origin } from "./settings.ts";
import type { RegistrySource } from "./types.ts";

/** Thrown for a bad registries entry (a ConfigError naming where it came from). */
class RegistryConfigError extends ConfigError {}

/**
 * The `registries` setting from `PLUGD_REGISTRIES` or the config file (relative paths there are
 * relative to the file), recording its origin.
 */
export async function registrySources(
  env: Record<string, string | undefined>,
  file: ConfigFile | null,
  origins: Record<string, Origin>,
): Promise<RegistrySource[]> {
  if (env.PLUGD_REGISTRIES !== undefined) {
    origins.registries = { kind: "env", name: "PLUGD_REGISTRIES" };
    return await registriesFromEnv(env.PLUGD_REGISTRIES);
  }
  const value = file?.values.get("registries");
  if (value === undefined || value === null) return [];
  origins.registries = { kind: "file", key: "registries", path: file!.path };
  const base = dirname(file!.path);
  const local = (p: unknown) =>
    typeof p === "string" && p !== "" && !/^https?:\/\//i.test(p) && !isAbsolute(p) &&
      !/^[A-Za-z0-9+/]{43}=$/.test(p)
      ? resolve(base, p)
      : p;
  const entries = Array.isArray(value)
    ? value.map((v) =>
      typeof v === "string" ? local(v) : v && typeof v === "object"
        ? {
          ...v,
          url: local((v as Record<string, unknown>).url),
          advisory_key: local((v as Record<string, unknown>).advisory_key),
        }
        : v
    )
    : value;
  return await registriesFromFile(entries, describeOrigin(origins.registries));
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,62}$/;

/** Parses `PLUGD_REGISTRIES` (comma-separated; `;name=`, `;key=`, `;kind=` per entry). */
export async function registriesFromEnv(text: string): Promise<RegistrySource[]> {
  const entries = text.split(",").map((e) => e.trim()).filter(Boolean).map((entry) => {
    const [url, ...params] = entry.split(";");
    const fields: Record<string, string> = { url: url!.trim() };
    for (const p of params) {
      const eq = p.indexOf("=");
      if (eq < 1) throw new RegistryConfigError(`PLUGD_REGISTRIES: "${p}" is not name=value`);
      fields[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { url: fields.url, name: fields.name, kind: fields.kind, advisory_key: fields.key };
  });
  return await checkAll(entries, "PLUGD_REGISTRIES (environment)");
}

/** Parses the `registries` list of plugd.yaml (strings or mappings). */
export async function registriesFromFile(
  value: unknown,
  where = 'Config "registries"',
): Promise<RegistrySource[]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new RegistryConfigError(`${where} must be a list of URLs, paths or mappings`);
  }
  const entries = value.map((v) => typeof v === "string" ? { url: v } : v);
  return await checkAll(entries, where);
}

async function checkAll(entries: unknown[], where: string): Promise<RegistrySource[]> {
  const out: RegistrySource[] = [];
  for (const entry of entries) {
    const source = await checkEntry(entry, where);
    if (out.some((s) => s.name === source.name)) {
      let n = 2;
      while (out.some((s) => s.name === `${source.name}-${n}`)) n++;
      source.name = `${source.name}-${n}`;
    }
    out.push(source);
  }
  return out;
}

async function checkEntry(entry: unknown, where: string): Promise<RegistrySource> {
  const e = entry as Record<string, unknown> | null;
  if (!e || typeof e !== "object" || typeof e.url !== "string" || e.url === "") {
    throw new RegistryConfigError(`${where}: each entry needs a url (or path)`);
  }
  for (const key of Object.keys(e)) {
    if (!["url", "name", "kind", "advisory_key"].includes(key)) {
      throw new RegistryConfigError(
        `${where}: unknown key "${key}" (allowed: url, name, kind, advisory_key)`,
      );
    }
  }
  const url = e.url;
  const http = /^https?:\/\//i.test(url);
  const kind = e.kind ?? (http && !/\.json(\?.*)?$/i.test(url) ? "server" : "index");
  if (kind !== "server" && kind !== "index") {
    throw new RegistryConfigError(`${where}: kind must be "server" or "index"; got "${kind}"`);
  }
  if (kind === "server" && !http) {
    throw new RegistryConfigError(`${where}: a registry server needs an http(s) URL; got "${url}"`);
  }
  const name = e.name ?? defaultName(url, kind);
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new RegistryConfigError(`${where}: name "${name}" must be 1-63 letters, digits, . _ : -`);
  }
  const key = e.advisory_key === undefined || e.advisory_key === ""
    ? null
    : await readKey(String(e.advisory_key), where);
  if (key && kind !== "server") {
    throw new RegistryConfigError(`${where}: advisory_key applies to registry servers only`);
  }
  return { url: kind === "server" ? url.replace(/\/+$/, "") : url, name, kind, advisoryKey: key };
}

function defaultName(url: string, kind: string): string {
  if (/^https?:\/\//i.test(url)) {
    const u = new URL(url);
    return kind === "server" ? u.host : `${u.host}${u.pathname}`.replace(/[^A-Za-z0-9._:-]/g, "-")
      .slice(0, 63);
  }
  return basename(url).replace(/[^A-Za-z0-9._:-]/g, "-").slice(0, 63) || "index";
}

/** A base64 raw Ed25519 key, or a path to a `.pub` file (JSON with `public`) or to base64. */
async function readKey(value: string, where: string): Promise<string> {
  let text = value;
  if (value.includes("/") && !/^[A-Za-z0-9+/]{43}=$/.test(value)) {
    try {
      text = (await Deno.readTextFile(value)).trim();
    } catch (error) {
      throw new RegistryConfigError(
        `${where}: cannot read advisory key file ${value}: ${(error as Error).message}`,
      );
    }
    if (text.startsWith("{")) {
      try {
        text = String(JSON.parse(text).public ?? "");
      } catch {
        text = "";
      }
    }
  }
  let raw: Uint8Array;
  try {
    raw = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    raw = new Uint8Array();
  }
  if (raw.length !== 32) {
    throw new RegistryConfigError(
      `${where}: the advisory key must be base64 of 32 raw Ed25519 bytes or a .pub file ` +
        "(the registry server writes advisory.pub in its state dir)",
    );
  }
  return text;
}
