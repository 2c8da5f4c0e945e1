/**
 * The registry's advisories: admins append signed entries ("plugin X versions <1.4.2 are
 * malicious: disable"); the feed is served signed with the registry's advisory key, which
 * daemons are configured to trust.
 */
import { join } from "node:path";
import * as semver from "semver";
import { auditStatement } from "../audit/mod.ts";
import { HttpError } from "../api/mod.ts";
import {
  type AdvisoryEntry,
  type AdvisoryFeed,
  type ChainedEntry,
  entryHash,
  FEED_GENESIS,
  type SignedFeed,
  signFeed,
} from "../registry/mod.ts";
import { generateKeyPair, type PrivateKeyFile, readPrivateKeyFile } from "../signing/mod.ts";
import type { Store } from "../store/mod.ts";

const ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const SEVERITIES = ["low", "medium", "high", "critical"];
const ACTIONS = ["warn", "disable", "withdraw"];

/**
 * The registry's advisory signing key: `<state>/advisory.key` (0600), made on first start with
 * its public half in `<state>/advisory.pub` for operators to configure on their daemons.
 */
export async function ensureAdvisoryKey(
  stateDir: string,
): Promise<{ key: PrivateKeyFile; created: boolean; publicPath: string }> {
  const privatePath = join(stateDir, "advisory.key");
  const publicPath = join(stateDir, "advisory.pub");
  try {
    return { key: await readPrivateKeyFile(privatePath), created: false, publicPath };
  } catch (error) {
    if (!((error as Error).cause instanceof Deno.errors.NotFound)) throw error;
  }
  const pair = await generateKeyPair();
  await Deno.writeTextFile(privatePath, JSON.stringify(pair.privateFile, null, 2) + "\n", {
    createNew: true,
    mode: 0o600,
  });
  await Deno.chmod(privatePath, 0o600);
  await Deno.writeTextFile(publicPath, JSON.stringify(pair.publicFile, null, 2) + "\n");
  return { key: pair.privateFile, created: true, publicPath };
}

function text(input: Record<string, unknown>, name: string, max: number, required = true): string {
  const value = input[name];
  if (value === undefined && !required) return "";
  if (typeof value !== "string" || value.length === 0 || value.length > max) {
    throw new HttpError(400, `${name} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

/**
 * Appends an advisory: `{plugin, versions, severity, action: warn|disable, title, description,
 * fixed_in?, url?}` or `{action: "withdraw", withdraws: "<id>", title?}`. Returns the entry.
 */
export function publishAdvisory(
  store: Store,
  input: Record<string, unknown>,
  actor: string,
): Promise<ChainedEntry> {
  const action = input.action;
  if (typeof action !== "string" || !ACTIONS.includes(action)) {
    throw new HttpError(400, `action must be one of ${ACTIONS.join(", ")}`);
  }
  return store.write(async () => {
    const last = await store.execute("SELECT seq, hash FROM advisories ORDER BY seq DESC LIMIT 1");
    const seq = Number(last.rows[0]?.seq ?? 0) + 1;
    const prev = last.rows[0] ? String(last.rows[0].hash) : FEED_GENESIS;
    const fields = action === "withdraw"
      ? await withdrawFields(store, input)
      : checkFields(input, action as "warn" | "disable");
    const entry: AdvisoryEntry = {
      seq,
      id: `ADV-${String(seq).padStart(4, "0")}`,
      ...fields,
      published_at: new Date().toISOString(),
      prev,
    };
    const hash = await entryHash(entry);
    const chained: ChainedEntry = { ...entry, hash };
    return {
      statements: [
        {
          sql: "INSERT INTO advisories (seq, id, entry, hash, published_at) VALUES (?, ?, ?, ?, ?)",
          args: [seq, entry.id, JSON.stringify(chained), hash, entry.published_at],
        },
        await auditStatement(store, {
          actor,
          action: "advisory.publish",
          target: entry.id,
          result: entry.action,
          detail: { plugin: entry.plugin, versions: entry.versions, severity: entry.severity },
        }),
      ],
      value: chained,
    };
  });
}

function checkFields(
  input: Record<string, unknown>,
  action: "warn" | "disable",
): Omit<AdvisoryEntry, "seq" | "id" | "published_at" | "prev"> {
  const plugin = input.plugin;
  if (typeof plugin !== "string" || !ID.test(plugin)) {
    throw new HttpError(400, "plugin must be a plugin id such as slack-notify");
  }
  const versions = input.versions ?? "*";
  if (typeof versions !== "string" || semver.validRange(versions) === null) {
    throw new HttpError(400, 'versions must be a semver range such as "<1.4.2"');
  }
  const severity = input.severity;
  if (typeof severity !== "string" || !SEVERITIES.includes(severity)) {
    throw new HttpError(400, `severity must be one of ${SEVERITIES.join(", ")}`);
  }
  const fixedIn = input.fixed_in ?? null;
  if (fixedIn !== null && (typeof fixedIn !== "string" || !semver.valid(fixedIn))) {
    throw new HttpError(400, "fixed_in must be a version such as 1.4.2");
  }
  return {
    plugin,
    versions,
    severity: severity as AdvisoryEntry["severity"],
    action,
    title: text(input, "title", 200),
    description: text(input, "description", 10_000),
    fixed_in: fixedIn as string | null,
    url: input.url === undefined ? null : text(input, "url", 2000),
    withdraws: null,
  };
}

async function withdrawFields(
  store: Store,
  input: Record<string, unknown>,
): Promise<Omit<AdvisoryEntry, "seq" | "id" | "published_at" | "prev">> {
  const target = input.withdraws;
  const rs = await store.execute({
    sql: "SELECT entry FROM advisories WHERE id = ?",
    args: [String(target ?? "")],
  });
  if (!rs.rows[0]) throw new HttpError(404, `No advisory "${target}" to withdraw`);
  const original = JSON.parse(String(rs.rows[0].entry)) as AdvisoryEntry;
  if (original.action === "withdraw") throw new HttpError(409, `${target} is itself a withdrawal`);
  return {
    plugin: original.plugin,
    versions: original.versions,
    severity: original.severity,
    action: "withdraw",
    title: text(input, "title", 200, false) || `Withdrawn: ${original.title}`,
    description: text(input, "description", 10_000, false),
    fixed_in: null,
    url: null,
    withdraws: original.id,
  };
}

/** The whole feed, signed; `etag` changes exactly when an entry is appended. */
export async function signedFeed(
  store: Store,
  key: PrivateKeyFile,
): Promise<{ etag: string; body: SignedFeed }> {
  const rs = await store.execute("SELECT entry FROM advisories ORDER BY seq");
  const advisories = rs.rows.map((r) => JSON.parse(String(r.entry)) as ChainedEntry);
  const head = advisories.at(-1)?.hash ?? FEED_GENESIS;
  const feed: AdvisoryFeed = {
    format: 1,
    key_id: key.id,
    seq: advisories.length,
    head,
    generated_at: new Date().toISOString(),
    advisories,
  };
  return { etag: `"${advisories.length}-${head.slice(0, 16)}"`, body: await signFeed(feed, key) };
}
