import { timingSafeEqual } from "node:crypto";
import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { Scope } from "./scopes.ts";

/** A token as listed by the API: never the secret, never the hash. */
export interface TokenInfo {
  id: string;
  name: string;
  scope: Scope;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** Token text: `plugd_<id>_<secret>`; only sha256(secret) is stored. */
const TOKEN_PATTERN = /^plugd_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Makes a new token; returns its text (shown once) and the INSERT that stores its hash. */
export async function newToken(
  name: string,
  scope: Scope,
  expiresAt: string | null = null,
): Promise<{ id: string; token: string; statement: InStatement }> {
  const id = randomHex(6);
  const secret = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const statement: InStatement = {
    sql: `INSERT INTO tokens (id, name, scope, hash, created_at, expires_at)
          VALUES (?, ?, ?, ?, ?, ?)`,
    args: [id, name, scope, await sha256Hex(secret), new Date().toISOString(), expiresAt],
  };
  return { id, token: `plugd_${id}_${secret}`, statement };
}

/** Why a presented token was not accepted. */
export type TokenRejection = "malformed" | "unknown" | "revoked" | "expired";

/**
 * Checks a presented bearer token. The hash comparison is constant-time; the id only selects
 * the row, so timing reveals nothing about the secret.
 */
export async function verifyToken(
  store: Store,
  presented: string,
  now: Date = new Date(),
): Promise<
  | { ok: true; id: string; scope: Scope; expiresAt: string | null }
  | { ok: false; reason: TokenRejection }
> {
  const match = TOKEN_PATTERN.exec(presented);
  if (!match) return { ok: false, reason: "malformed" };
  const [, id, secret] = match as unknown as [string, string, string];
  const rs = await store.execute({
    sql: "SELECT scope, hash, expires_at, revoked_at FROM tokens WHERE id = ?",
    args: [id],
  });
  const row = rs.rows[0];
  const expected = new TextEncoder().encode(String(row?.hash ?? "0".repeat(64)));
  const actual = new TextEncoder().encode(await sha256Hex(secret));
  const equal = expected.length === actual.length && timingSafeEqual(expected, actual);
  if (!row || !equal) return { ok: false, reason: "unknown" };
  if (row.revoked_at) return { ok: false, reason: "revoked" };
  if (row.expires_at && new Date(String(row.expires_at)) <= now) {
    return { ok: false, reason: "expired" };
  }
  const expiresAt = row.expires_at ? String(row.expires_at) : null;
  return { ok: true, id, scope: row.scope as Scope, expiresAt };
}

/**
 * Why token `id` may no longer be used (`revoked`, `expired`, `unknown`), or null while it may:
 * long-lived streams ask this again while they run.
 */
export async function tokenProblem(
  store: Store,
  id: string,
  now: Date = new Date(),
): Promise<TokenRejection | null> {
  const rs = await store.execute({
    sql: "SELECT expires_at, revoked_at FROM tokens WHERE id = ?",
    args: [id],
  });
  const row = rs.rows[0];
  if (!row) return "unknown";
  if (row.revoked_at) return "revoked";
  if (row.expires_at && new Date(String(row.expires_at)) <= now) return "expired";
  return null;
}

/** Lists every token, newest first. */
export async function listTokens(store: Store): Promise<TokenInfo[]> {
  const rs = await store.execute(
    `SELECT id, name, scope, created_at, expires_at, revoked_at, last_used_at
     FROM tokens ORDER BY created_at DESC, id`,
  );
  return rs.rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    scope: r.scope as Scope,
    created_at: String(r.created_at),
    expires_at: r.expires_at === null ? null : String(r.expires_at),
    revoked_at: r.revoked_at === null ? null : String(r.revoked_at),
    last_used_at: r.last_used_at === null ? null : String(r.last_used_at),
  }));
}
