/**
 * Console sessions in libSQL. The cookie holds a random secret; the row is keyed by its sha256,
 * bound to the token used to sign in, and checked against that token on every request: a
 * revoked or expired token, an idle or too-old session, ends it.
 */
import type { InStatement } from "@libsql/client";
import { auditStatement } from "../audit/mod.ts";
import { forgetToken, newToken, type Scope } from "../auth/mod.ts";
import type { Store } from "../store/mod.ts";
import { randomSecret, sha256Hex } from "./_crypto.ts";
import type { Session } from "./types.ts";

/** Lifetimes of a session. */
export interface SessionLifetimes {
  /** Ends after this long without a request. @default 1 h */
  idleMs?: number;
  /** Ends this long after sign-in whatever happens. @default 12 h */
  maxMs?: number;
}

/** Write `last_seen_at` at most this often per session. */
const TOUCH_EVERY_MS = 60_000;

/** Creates, finds and ends console sessions. */
export class Sessions {
  readonly idleMs: number;
  readonly maxMs: number;
  #store: Store;
  #touched = new Map<string, number>();

  constructor(store: Store, lifetimes: SessionLifetimes = {}) {
    const { idleMs = 3_600_000, maxMs = 12 * 3_600_000 } = lifetimes;
    if (!(idleMs > 0) || !(maxMs > 0)) throw new RangeError("Session lifetimes must be > 0 ms");
    this.#store = store;
    this.idleMs = idleMs;
    this.maxMs = maxMs;
  }

  /**
   * Statements that open a session for `tokenId` (plus the audit row), and the cookie value.
   * `ownsToken`: the token was minted for this session (a `plugd ui` code) and dies with it.
   */
  async open(
    tokenId: string,
    options: { ownsToken?: boolean; via: string },
  ): Promise<{ cookie: string; statements: InStatement[] }> {
    const cookie = randomSecret(32);
    const now = Date.now();
    const statements: InStatement[] = [
      { sql: "DELETE FROM console_sessions WHERE expires_at <= ?", args: [now] },
      {
        sql: `INSERT INTO console_sessions
              (id_hash, token_id, csrf, created_at, expires_at, last_seen_at, owns_token)
              VALUES (?, ?, ?, ?, ?, ?, ?)`,
        args: [
          await sha256Hex(cookie),
          tokenId,
          randomSecret(32),
          now,
          now + this.maxMs,
          now,
          options.ownsToken ? 1 : 0,
        ],
      },
      await auditStatement(this.#store, {
        actor: `token:${tokenId}`,
        action: "console.login",
        result: "ok",
        detail: { via: options.via },
      }),
    ];
    return { cookie, statements };
  }

  /** Signs in with a verified token. Returns the cookie value. */
  signIn(tokenId: string): Promise<string> {
    return this.#store.write(async () => {
      const { cookie, statements } = await this.open(tokenId, { via: "token" });
      return { statements, value: cookie };
    });
  }

  /**
   * Mints an admin token that lives exactly as long as a new session, for a redeemed `plugd ui`
   * code; its secret is never shown to anyone. Returns the statements and the cookie.
   */
  async openMinted(): Promise<{ cookie: string; statements: InStatement[] }> {
    const expiresAt = new Date(Date.now() + this.maxMs).toISOString();
    const minted = await newToken("console sign-in (plugd ui)", "admin", expiresAt);
    const opened = await this.open(minted.id, { ownsToken: true, via: "plugd ui" });
    return { cookie: opened.cookie, statements: [minted.statement, ...opened.statements] };
  }

  /** The live session for a cookie value, or null (and its row removed when it ended). */
  async find(cookie: string | undefined): Promise<Session | null> {
    if (!cookie || cookie.length > 100) return null;
    const idHash = await sha256Hex(cookie);
    const rs = await this.#store.execute({
      sql: `SELECT s.token_id, s.csrf, s.created_at, s.expires_at, s.last_seen_at,
                   t.name, t.scope, t.revoked_at, t.expires_at AS token_expires_at
            FROM console_sessions s JOIN tokens t ON t.id = s.token_id
            WHERE s.id_hash = ?`,
      args: [idHash],
    });
    const row = rs.rows[0];
    if (!row) return null;
    const now = Date.now();
    const ended = Number(row.expires_at) <= now ||
      Number(row.last_seen_at) + this.idleMs <= now ||
      row.revoked_at !== null ||
      (row.token_expires_at !== null && Date.parse(String(row.token_expires_at)) <= now);
    if (ended) {
      await this.#delete(idHash);
      return null;
    }
    this.#touch(idHash, now, Number(row.last_seen_at));
    return {
      idHash,
      tokenId: String(row.token_id),
      tokenName: String(row.name),
      scope: row.scope as Scope,
      csrf: String(row.csrf),
      createdAt: Number(row.created_at),
      expiresAt: Math.min(Number(row.expires_at), now + this.idleMs),
    };
  }

  /** Ends a session (sign-out); a token minted for it is revoked with it. Audited. */
  async end(session: Session): Promise<void> {
    await this.#store.write(async () => {
      const rs = await this.#store.execute({
        sql: "SELECT owns_token FROM console_sessions WHERE id_hash = ?",
        args: [session.idHash],
      });
      if (!rs.rows[0]) return { statements: [] };
      const statements: InStatement[] = [
        { sql: "DELETE FROM console_sessions WHERE id_hash = ?", args: [session.idHash] },
        await auditStatement(this.#store, {
          actor: `token:${session.tokenId}`,
          action: "console.logout",
          result: "ok",
        }),
      ];
      if (Number(rs.rows[0].owns_token) === 1) {
        statements.push({
          sql: "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
          args: [new Date().toISOString(), session.tokenId],
        });
        return { statements, afterCommit: () => forgetToken(this.#store, session.tokenId) };
      }
      return { statements };
    });
    this.#touched.delete(session.idHash);
  }

  async #delete(idHash: string): Promise<void> {
    this.#touched.delete(idHash);
    await this.#store.write(() => ({
      statements: [{ sql: "DELETE FROM console_sessions WHERE id_hash = ?", args: [idHash] }],
    }));
  }

  /** Records activity at most once a minute, off the request's path. */
  #touch(idHash: string, now: number, lastSeen: number): void {
    const last = Math.max(lastSeen, this.#touched.get(idHash) ?? 0);
    if (now - last < TOUCH_EVERY_MS) return;
    this.#touched.set(idHash, now);
    if (this.#touched.size > 10_000) this.#touched.clear();
    this.#store.write(() => ({
      statements: [{
        sql: "UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?",
        args: [now, idHash],
      }],
    })).catch((error) => console.error(`plugd: cannot record session activity: ${error.message}`));
  }
}
