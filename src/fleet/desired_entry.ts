/**
 * Desired-state entries (`desired.<id>` in the KV bucket): sealed with a digest at apply, and
 * checked whole by every host before it acts, so a corrupted or hand-edited entry is refused
 * with a reason and never half-applied.
 */
import * as semver from "semver";
import { canonicalJson } from "../signing/mod.ts";
import { type DocumentProblem, parsePluginSpec } from "./fleet_document.ts";
import type { DesiredEntry, RolloutPlan } from "./types.ts";

/** Thrown for an entry a host must not act on; `message` goes into the host's status. */
export class DesiredEntryError extends Error {
  override name = "DesiredEntryError";
}

/** `sha256:<hex>` of the canonical JSON of the entry without its digest. */
export async function entryDigest(entry: Omit<DesiredEntry, "digest">): Promise<string> {
  const { digest: _ignored, ...rest } = entry as DesiredEntry;
  const bytes = new TextEncoder().encode(canonicalJson(rest));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Seals an entry: adds its digest. */
export async function sealEntry(entry: Omit<DesiredEntry, "digest">): Promise<DesiredEntry> {
  return { ...entry, digest: await entryDigest(entry) } as DesiredEntry;
}

/**
 * Parses and checks the bytes of `desired.<id>`: JSON, the plugin spec's rules, an exact
 * version, the rollout plan's shape, and the digest. Throws {@linkcode DesiredEntryError}.
 */
export async function readDesiredEntry(key: string, bytes: Uint8Array): Promise<DesiredEntry> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new DesiredEntryError(
      `refused: ${key} is not JSON (corrupted?); run plugd fleet apply again`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DesiredEntryError(`refused: ${key} is not an object; run plugd fleet apply again`);
  }
  const v = value as Record<string, unknown>;
  const problems: DocumentProblem[] = [];
  if (v.format !== 1) problems.push({ field: "format", message: "must be 1" });
  const { format: _f, range, plan, applied_at, applied_by, digest, version, ...spec } = v;
  const parsed = parsePluginSpec({ ...spec, version }, "entry", problems);
  if (parsed && `desired.${parsed.id}` !== key) {
    problems.push({ field: "id", message: `"${parsed.id}" does not match the key ${key}` });
  }
  if (typeof version !== "string" || semver.valid(version) !== version) {
    problems.push({ field: "version", message: "must be the exact version resolved at apply" });
  }
  if (typeof range !== "string") problems.push({ field: "range", message: "must be a string" });
  if (typeof applied_at !== "string" || typeof applied_by !== "string") {
    problems.push({ field: "applied_at", message: "applied_at and applied_by must be strings" });
  }
  if (plan !== null && !isPlan(plan)) {
    problems.push({ field: "plan", message: "must be null or {id, from, to, waves, created_at}" });
  }
  if (typeof digest !== "string") problems.push({ field: "digest", message: "is missing" });
  if (problems.length) {
    throw new DesiredEntryError(
      `refused: ${key} is not a valid desired state (${
        problems.map((p) => `${p.field.replace(/^entry\./, "")}: ${p.message}`).join("; ")
      }); it was not written by plugd fleet apply`,
    );
  }
  const entry = v as unknown as DesiredEntry;
  if (await entryDigest(entry) !== digest) {
    throw new DesiredEntryError(
      `refused: ${key} does not match its digest: it was edited or corrupted after ` +
        "plugd fleet apply wrote it; apply the fleet file again",
    );
  }
  return entry;
}

function isPlan(v: unknown): v is RolloutPlan {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  return typeof p.id === "string" && typeof p.from === "string" && typeof p.to === "string" &&
    typeof p.created_at === "string" && Array.isArray(p.waves) &&
    p.waves.every((w) => Array.isArray(w) && w.every((h) => typeof h === "string"));
}
