/** The canary that names the master key a database's secrets are sealed under. */
import type { InStatement } from "@libsql/client";
import { decryptSecret, encryptSecret, type MasterKeyRef } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";

const CANARY_AAD = "plugd:master-key-check";
const CANARY_TEXT = "plugd master key check";

/** The recorded key check of a database. */
export interface KeyCheck {
  keyId: string;
  canary: string;
  rotatedAt: string | null;
}

/** The database's key check, or null before the first start with this version. */
export async function readKeyCheck(store: Store): Promise<KeyCheck | null> {
  const rs = await store.execute("SELECT key_id, canary, rotated_at FROM master_key_check");
  const row = rs.rows[0];
  if (!row) return null;
  return {
    keyId: String(row.key_id),
    canary: String(row.canary),
    rotatedAt: row.rotated_at === null ? null : String(row.rotated_at),
  };
}

/** Whether `key` opens the canary, i.e. is the key the secrets are sealed under. */
export async function keyOpensCanary(key: MasterKeyRef, canary: string): Promise<boolean> {
  try {
    return await decryptSecret(key, canary, CANARY_AAD) === CANARY_TEXT;
  } catch {
    return false;
  }
}

/** The statement that records `key` (with `keyId`) as the database's master key. */
export async function keyCheckStatement(
  key: CryptoKey,
  keyId: string,
  rotatedAt: string | null,
): Promise<InStatement> {
  return {
    sql: `INSERT INTO master_key_check (id, key_id, canary, rotated_at) VALUES (1, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, canary = excluded.canary,
            rotated_at = excluded.rotated_at`,
    args: [keyId, await encryptSecret(key, CANARY_TEXT, CANARY_AAD), rotatedAt],
  };
}
