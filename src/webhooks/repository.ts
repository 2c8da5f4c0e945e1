/** Webhook endpoints in libSQL: create, read, update, delete, rotate; every change audited. */
import type { InStatement, Row } from "@libsql/client";
import { auditStatement } from "../audit/mod.ts";
import { decryptSecret, encryptSecret, type MasterKeyRef } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";
import { NotFoundError } from "./errors.ts";
import { newWebhookId } from "./ids.ts";
import { invalidateOutboxCache } from "./outbox.ts";
import { generateSecret } from "./secret.ts";
import type { Webhook } from "./types.ts";
import type { WebhookInput } from "./validate.ts";

/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** Converts a `webhooks` row into the API shape. */
export function rowToWebhook(row: Row): Webhook {
  return {
    id: String(row.id),
    name: String(row.name),
    url: String(row.url),
    event_types: JSON.parse(String(row.event_types)),
    enabled: Number(row.enabled) === 1,
    timeout_ms: Number(row.timeout_ms),
    consecutive_failures: Number(row.consecutive_failures),
    disabled_reason: row.disabled_reason === null ? null : String(row.disabled_reason),
    rotated_at: row.rotated_at === null ? null : String(row.rotated_at),
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  };
}

/** Every webhook, oldest first. */
export async function listWebhooks(store: Store): Promise<Webhook[]> {
  const rs = await store.execute("SELECT * FROM webhooks ORDER BY created_at, id");
  return rs.rows.map(rowToWebhook);
}

/** One webhook; throws NotFoundError. */
export async function getWebhook(store: Store, id: string): Promise<Webhook> {
  const rs = await store.execute({ sql: "SELECT * FROM webhooks WHERE id = ?", args: [id] });
  const row = rs.rows[0];
  if (!row) {
    throw new NotFoundError(`No webhook "${id}"; list them with "plugd webhook list"`);
  }
  return rowToWebhook(row);
}

/** The secrets to sign with now: the current one, plus the previous one within 24 h of a rotation. */
export async function signingSecrets(
  store: Store,
  key: MasterKeyRef,
  id: string,
  now = Date.now(),
): Promise<string[]> {
  const rs = await store.execute({
    sql: "SELECT secret_enc, previous_secret_enc, rotated_at FROM webhooks WHERE id = ?",
    args: [id],
  });
  const row = rs.rows[0];
  if (!row) throw new NotFoundError(`No webhook "${id}"`);
  const aad = `webhook:${id}`;
  const secrets = [await decryptSecret(key, String(row.secret_enc), aad)];
  const rotated = row.rotated_at === null ? NaN : Date.parse(String(row.rotated_at));
  if (row.previous_secret_enc !== null && now - rotated < ROTATION_OVERLAP_MS) {
    secrets.push(await decryptSecret(key, String(row.previous_secret_enc), aad));
  }
  return secrets;
}

/** Creates a webhook; returns it and its secret (shown once). */
export async function createWebhook(
  store: Store,
  key: MasterKeyRef,
  input: WebhookInput,
  actor: string,
): Promise<{ webhook: Webhook; secret: string }> {
  const id = newWebhookId();
  const secret = input.secret ?? generateSecret();
  const now = new Date().toISOString();
  await store.write(async () => {
    invalidateOutboxCache(store);
    // Sealed under the write lock: a master-key rotation cannot slip in between.
    const enc = await encryptSecret(key, secret, `webhook:${id}`);
    return {
      statements: [
        {
          sql: `INSERT INTO webhooks (id, name, url, event_types, enabled, timeout_ms, secret_enc,
                  consecutive_failures, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
          args: [
            id,
            input.name,
            input.url,
            JSON.stringify(input.event_types),
            input.enabled ? 1 : 0,
            input.timeout_ms,
            enc,
            now,
            now,
          ],
        },
        await auditStatement(store, {
          actor,
          action: "webhook.create",
          target: id,
          result: "ok",
          detail: { name: input.name, url: input.url, event_types: input.event_types },
        }),
      ],
    };
  });
  invalidateOutboxCache(store);
  return { webhook: await getWebhook(store, id), secret };
}

/** Applies a validated partial update; re-enabling clears the failure count and reason. */
export async function updateWebhook(
  store: Store,
  id: string,
  patch: Partial<WebhookInput>,
  actor: string,
): Promise<Webhook> {
  await getWebhook(store, id);
  const sets: string[] = [];
  const args: (string | number | null)[] = [];
  if (patch.name !== undefined) sets.push("name = ?") && args.push(patch.name);
  if (patch.url !== undefined) sets.push("url = ?") && args.push(patch.url);
  if (patch.event_types !== undefined) {
    sets.push("event_types = ?") && args.push(JSON.stringify(patch.event_types));
  }
  if (patch.timeout_ms !== undefined) sets.push("timeout_ms = ?") && args.push(patch.timeout_ms);
  if (patch.enabled !== undefined) {
    sets.push("enabled = ?") && args.push(patch.enabled ? 1 : 0);
    if (patch.enabled) sets.push("consecutive_failures = 0", "disabled_reason = NULL");
    else sets.push("disabled_reason = 'disabled by operator'");
  }
  sets.push("updated_at = ?");
  args.push(new Date().toISOString(), id);
  await store.write(async () => {
    invalidateOutboxCache(store);
    return {
      statements: [
        { sql: `UPDATE webhooks SET ${sets.join(", ")} WHERE id = ?`, args },
        await auditStatement(store, {
          actor,
          action: "webhook.update",
          target: id,
          result: "ok",
          detail: { ...patch },
        }),
      ],
    };
  });
  invalidateOutboxCache(store);
  return await getWebhook(store, id);
}

/** Deletes a webhook with its deliveries and attempts. */
export async function deleteWebhook(store: Store, id: string, actor: string): Promise<void> {
  const hook = await getWebhook(store, id);
  await store.write(async () => {
    invalidateOutboxCache(store);
    return {
      statements: [
        {
          sql: `DELETE FROM webhook_attempts WHERE delivery_id IN
                  (SELECT id FROM webhook_deliveries WHERE webhook_id = ?)`,
          args: [id],
        },
        { sql: "DELETE FROM webhook_deliveries WHERE webhook_id = ?", args: [id] },
        { sql: "DELETE FROM webhooks WHERE id = ?", args: [id] },
        await auditStatement(store, {
          actor,
          action: "webhook.delete",
          target: id,
          result: "ok",
          detail: { name: hook.name, url: hook.url },
        }),
      ],
    };
  });
  invalidateOutboxCache(store);
}

/** Rotates the secret; the old one keeps signing alongside for 24 h. Returns the new secret. */
export async function rotateWebhookSecret(
  store: Store,
  key: MasterKeyRef,
  id: string,
  actor: string,
  given?: string,
): Promise<{ webhook: Webhook; secret: string }> {
  await getWebhook(store, id);
  const secret = given ?? generateSecret();
  const now = new Date().toISOString();
  await store.write(async () => ({
    statements: [
      {
        sql: `UPDATE webhooks SET previous_secret_enc = secret_enc, secret_enc = ?, rotated_at = ?,
                updated_at = ? WHERE id = ?`,
        // Sealed under the write lock: a master-key rotation cannot slip in between.
        args: [await encryptSecret(key, secret, `webhook:${id}`), now, now, id],
      },
      await auditStatement(store, {
        actor,
        action: "webhook.rotate_secret",
        target: id,
        result: "ok",
      }),
    ],
  }));
  return { webhook: await getWebhook(store, id), secret };
}

/** Statements that disable an endpoint with a reason (used by the relay). */
export function disableStatements(id: string, reason: string): InStatement[] {
  return [{
    sql: "UPDATE webhooks SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?",
    args: [reason, new Date().toISOString(), id],
  }];
}
