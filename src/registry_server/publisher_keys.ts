/** The Ed25519 keys a publisher signs its packages with: one publisher per key. */
import { auditStatement } from "../audit/mod.ts";
import { HttpError } from "../api/mod.ts";
import { parsePublicKey } from "../signing/mod.ts";
import type { Store } from "../store/mod.ts";
import { getPublisher } from "./publishers.ts";

/** Registers a signing key to a publisher (409 if the key is registered anywhere already). */
export function addPublisherKey(
  store: Store,
  publisher: string,
  publicKey: unknown,
  actor: string,
): Promise<{ id: string; publisher: string }> {
  return store.write(async () => {
    let pub;
    try {
      pub = await parsePublicKey(publicKey);
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
    await getPublisher(store, publisher);
    const rs = await store.execute({
      sql: "SELECT publisher FROM publisher_keys WHERE id = ?",
      args: [pub.id],
    });
    if (rs.rows.length > 0) {
      throw new HttpError(
        409,
        `Key ${pub.id} is already registered (to "${rs.rows[0]!.publisher}"); a key belongs ` +
          "to one publisher: generate a new one with plugd key generate",
      );
    }
    return {
      statements: [
        {
          sql: `INSERT INTO publisher_keys (id, publisher, public_key, created_at)
                VALUES (?, ?, ?, ?)`,
          args: [pub.id, publisher, pub.public, new Date().toISOString()],
        },
        await auditStatement(store, {
          actor,
          action: "publisher.key.add",
          target: publisher,
          result: "ok",
          detail: { key_id: pub.id },
        }),
      ],
      value: { id: pub.id, publisher },
    };
  });
}

/** Revokes one of a publisher's keys; its published versions stay (their archives are signed). */
export function revokePublisherKey(
  store: Store,
  publisher: string,
  keyId: string,
  actor: string,
): Promise<void> {
  return store.write(async () => {
    const rs = await store.execute({
      sql: "SELECT revoked_at FROM publisher_keys WHERE id = ? AND publisher = ?",
      args: [keyId, publisher],
    });
    if (rs.rows.length === 0) {
      throw new HttpError(404, `Publisher "${publisher}" has no key ${keyId}`);
    }
    if (rs.rows[0]!.revoked_at) return { statements: [] };
    return {
      statements: [
        {
          sql: "UPDATE publisher_keys SET revoked_at = ? WHERE id = ?",
          args: [new Date().toISOString(), keyId],
        },
        await auditStatement(store, {
          actor,
          action: "publisher.key.revoke",
          target: publisher,
          result: "ok",
          detail: { key_id: keyId },
        }),
      ],
    };
  });
}
