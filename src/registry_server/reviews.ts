/**
 * Installations (anonymous daemon identities with a token) and what they may do: one review
 * per installation per plugin (editable; admins can hide abusive ones) and flags that put a
 * plugin or version in the admin review queue.
 */
import type { InStatement } from "@libsql/client";
import { auditStatement } from "../audit/mod.ts";
import { HttpError } from "../api/mod.ts";
import type { Store } from "../store/mod.ts";
import { newPrincipalToken } from "./tokens.ts";

/** A review as listed. */
export interface Review {
  id: number;
  plugin_id: string;
  rating: number;
  title: string;
  body: string;
  version: string | null;
  created_at: string;
  updated_at: string;
  /** Only shown to admins and the review's own installation. */
  hidden?: boolean;
  hidden_reason?: string | null;
}

/** Registers a new installation; its token is returned once. */
export async function registerInstallation(store: Store): Promise<{ id: string; token: string }> {
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 20);
  const { token, statement } = await newPrincipalToken("installation", id);
  await store.write(() => ({
    statements: [
      {
        sql: "INSERT INTO installations (id, created_at) VALUES (?, ?)",
        args: [id, new Date().toISOString()],
      },
      statement,
    ],
  }));
  return { id, token };
}

/** Recomputes a plugin's rating from its visible reviews (last statement of a batch). */
function ratingStatement(pluginId: string): InStatement {
  return {
    sql: `UPDATE plugins SET
            rating_sum = (SELECT coalesce(sum(rating), 0) FROM reviews
                          WHERE plugin_id = ?1 AND hidden_at IS NULL),
            rating_count = (SELECT count(*) FROM reviews WHERE plugin_id = ?1 AND hidden_at IS NULL),
            rating = coalesce((SELECT avg(rating) FROM reviews
                               WHERE plugin_id = ?1 AND hidden_at IS NULL), 0),
            rating_score = ((SELECT coalesce(sum(rating), 0) FROM reviews
                               WHERE plugin_id = ?1 AND hidden_at IS NULL) + 9.0)
              / ((SELECT count(*) FROM reviews WHERE plugin_id = ?1 AND hidden_at IS NULL) + 3)
          WHERE id = ?1`,
    args: [pluginId],
  };
}

async function assertListed(store: Store, id: string): Promise<void> {
  const rs = await store.execute({
    sql: "SELECT 1 FROM plugins WHERE id = ? AND latest IS NOT NULL AND banned_at IS NULL",
    args: [id],
  });
  if (rs.rows.length === 0) throw new HttpError(404, `No plugin "${id}" in this registry`);
}

function text(value: unknown, name: string, max: number): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string" || value.length > max) {
    throw new HttpError(400, `${name} must be a string of at most ${max} characters`);
  }
  return value;
}

/**
 * Creates or edits `installation`'s review of plugin `id`: `{rating: 1-5, title?, body?,
 * version?}`. Returns the review and whether it was new.
 */
export function putReview(
  store: Store,
  id: string,
  installation: string,
  input: Record<string, unknown>,
): Promise<{ review: Review; created: boolean }> {
  const rating = input.rating;
  if (!Number.isInteger(rating) || (rating as number) < 1 || (rating as number) > 5) {
    throw new HttpError(400, "rating must be a whole number from 1 to 5");
  }
  const title = text(input.title, "title", 200);
  const body = text(input.body, "body", 10_000);
  const version = input.version === undefined ? null : text(input.version, "version", 64);
  return store.write(async () => {
    await assertListed(store, id);
    const existing = await store.execute({
      sql: "SELECT id FROM reviews WHERE plugin_id = ? AND installation = ?",
      args: [id, installation],
    });
    const now = new Date().toISOString();
    return {
      statements: [
        {
          sql: `INSERT INTO reviews (plugin_id, installation, rating, title, body, version,
                  created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (plugin_id, installation) DO UPDATE SET rating = excluded.rating,
                  title = excluded.title, body = excluded.body, version = excluded.version,
                  updated_at = excluded.updated_at`,
          args: [id, installation, rating as number, title, body, version, now, now],
        },
        ratingStatement(id),
      ],
      value: { created: existing.rows.length === 0 },
    };
  }).then(async ({ created }) => ({ review: await ownReview(store, id, installation), created }));
}

async function ownReview(store: Store, id: string, installation: string): Promise<Review> {
  const rs = await store.execute({
    sql: "SELECT * FROM reviews WHERE plugin_id = ? AND installation = ?",
    args: [id, installation],
  });
  if (!rs.rows[0]) throw new HttpError(404, `You have not reviewed "${id}"`);
  return toReview(rs.rows[0] as Record<string, unknown>, true);
}

/** Deletes `installation`'s review of `id` (404 when there is none). */
export async function deleteReview(store: Store, id: string, installation: string): Promise<void> {
  await ownReview(store, id, installation);
  await store.write(() => ({
    statements: [
      {
        sql: "DELETE FROM reviews WHERE plugin_id = ? AND installation = ?",
        args: [id, installation],
      },
      ratingStatement(id),
    ],
  }));
}

/** Reviews of `id`, newest first; hidden ones only for admins. */
export async function listReviews(
  store: Store,
  id: string,
  options: { limit?: number; offset?: number; includeHidden?: boolean } = {},
): Promise<{ total: number; reviews: Review[] }> {
  await assertListed(store, id);
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
  const hidden = options.includeHidden ? "" : "AND hidden_at IS NULL";
  const rs = await store.execute({
    sql: `SELECT *, count(*) OVER () AS total FROM reviews WHERE plugin_id = ? ${hidden}
          ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`,
    args: [id, limit, Math.max(options.offset ?? 0, 0)],
  });
  return {
    total: Number(rs.rows[0]?.total ?? 0),
    reviews: rs.rows.map((r) => toReview(r as Record<string, unknown>, !!options.includeHidden)),
  };
}

/** Hides (or shows again) an abusive review; audited. */
export function hideReview(
  store: Store,
  reviewId: number,
  hidden: boolean,
  reason: string | null,
  actor: string,
): Promise<Review> {
  return store.write(async () => {
    const rs = await store.execute({ sql: "SELECT * FROM reviews WHERE id = ?", args: [reviewId] });
    const row = rs.rows[0];
    if (!row) throw new HttpError(404, `No review ${reviewId}`);
    const now = new Date().toISOString();
    return {
      statements: [
        {
          sql: "UPDATE reviews SET hidden_at = ?, hidden_reason = ? WHERE id = ?",
          args: [hidden ? now : null, hidden ? reason : null, reviewId],
        },
        ratingStatement(String(row.plugin_id)),
        await auditStatement(store, {
          actor,
          action: hidden ? "review.hide" : "review.show",
          target: String(reviewId),
          result: "ok",
          detail: { plugin: String(row.plugin_id), reason },
        }),
      ],
      value: {
        ...toReview(row as Record<string, unknown>, true),
        hidden,
        hidden_reason: hidden ? reason : null,
      },
    };
  });
}

/** Flags plugin `id` (or one version) for an admin's attention. */
export async function flagPlugin(
  store: Store,
  id: string,
  installation: string,
  input: Record<string, unknown>,
): Promise<{ id: number }> {
  const reason = text(input.reason, "reason", 2000);
  if (!reason) throw new HttpError(400, "reason is required: say what is wrong with the plugin");
  const version = input.version === undefined ? null : text(input.version, "version", 64);
  await assertListed(store, id);
  return await store.write(async () => {
    const rs = await store.execute("SELECT coalesce(max(id), 0) + 1 AS next FROM flags");
    const flagId = Number(rs.rows[0]?.next ?? 1);
    return {
      statements: [{
        sql: `INSERT INTO flags (id, plugin_id, version, installation, reason, created_at)
              VALUES (?, ?, ?, ?, ?, ?)`,
        args: [flagId, id, version, installation, reason, new Date().toISOString()],
      }],
      value: { id: flagId },
    };
  });
}

function toReview(r: Record<string, unknown>, withHidden: boolean): Review {
  return {
    id: Number(r.id),
    plugin_id: String(r.plugin_id),
    rating: Number(r.rating),
    title: String(r.title),
    body: String(r.body),
    version: r.version === null ? null : String(r.version),
    created_at: String(r.created_at),
    updated_at: String(r.updated_at),
    ...(withHidden
      ? { hidden: r.hidden_at !== null, hidden_reason: (r.hidden_reason as string) ?? null }
      : {}),
  };
}
