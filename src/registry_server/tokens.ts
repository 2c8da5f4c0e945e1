/** Bearer tokens of the registry server's principals, stored hashed, compared in constant time. */
import { timingSafeEqual } from "node:crypto";
import type { InStatement } from "@libsql/client";
import type { Store } from "../store/mod.ts";
import type { Principal, PrincipalKind } from "./types.ts";

/** Token text: `plugr_<id>_<secret>`; only sha256(secret) is stored. */
const TOKEN_PATTERN = /^plugr_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function randomText(): { id: string; secret: string } {
  const id = Array.from(
    crypto.getRandomValues(new Uint8Array(6)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return { id, secret };
}

/**
 * Makes a token for `kind`/`subject`; returns its text (shown once) and the INSERT storing
 * its hash.
 *
 * @example
 * ```ts
 * const { token, statement } = await newPrincipalToken("publisher", "acme");
 * ```
 */
export async function newPrincipalToken(
  kind: PrincipalKind,
  subject: string,
): Promise<{ id: string; token: string; statement: InStatement }> {
  const { id, secret } = randomText();
  return {
    id,
    token: `plugr_${id}_${secret}`,
    statement: {
      sql: `INSERT INTO principals (id, kind, subject, hash, created_at) VALUES (?, ?, ?, ?, ?)`,
      args: [id, kind, subject, await sha256Hex(secret), new Date().toISOString()],
    },
  };
}

/** The principal a presented token belongs to, or null (malformed, unknown or revoked). */
export async function verifyPrincipalToken(
  store: Store,
  presented: string,
): Promise<Principal | null> {
  const match = TOKEN_PATTERN.exec(presented);
  if (!match) return null;
  const [, id, secret] = match as unknown as [string, string, string];
  const rs = await store.execute({
    sql: "SELECT kind, subject, hash, revoked_at FROM principals WHERE id = ?",
    args: [id],
  });
  const row = rs.rows[0];
  const expected = new TextEncoder().encode(String(row?.hash ?? "0".repeat(64)));
  const actual = new TextEncoder().encode(await sha256Hex(secret));
  const equal = expected.length === actual.length && timingSafeEqual(expected, actual);
  if (!row || !equal || row.revoked_at) return null;
  return { kind: row.kind as PrincipalKind, subject: String(row.subject), tokenId: id };
}
