/**
 * One-time login codes for `plugd ui`: the local admin (over the Unix socket) asks for a code;
 * the link it prints signs a browser in once, within minutes. Only the code's hash is stored;
 * the token behind the new session is minted for it and never shown.
 */
import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { loginCode, normalizeCode, sha256Hex } from "./_crypto.ts";
import type { Sessions } from "./sessions.ts";

/** How long a code stays valid. */
export const LOGIN_CODE_TTL_MS = 120_000;

/** Codes allowed to be wrong before every open code is withdrawn (stops guessing). */
const MAX_FAILURES = 20;

/** Why a code was refused. */
export class LoginCodeError extends Error {
  override name = "LoginCodeError";
}

/** Issues and redeems login codes. */
export class LoginCodes {
  #store: Store;
  #sessions: Sessions;
  #failures = 0;

  constructor(store: Store, sessions: Sessions) {
    this.#store = store;
    this.#sessions = sessions;
  }

  /** A new code, valid for {@linkcode LOGIN_CODE_TTL_MS}; audited as `console.code.create`. */
  issue(actor: string): Promise<{ code: string; expiresAt: string }> {
    const code = loginCode();
    const expiresAt = Date.now() + LOGIN_CODE_TTL_MS;
    return this.#store.write(async () => ({
      statements: [
        { sql: "DELETE FROM console_login_codes WHERE expires_at <= ?", args: [Date.now()] },
        {
          sql:
            "INSERT INTO console_login_codes (code_hash, created_by, expires_at) VALUES (?, ?, ?)",
          args: [await sha256Hex(code), actor, expiresAt],
        },
        await auditStatement(this.#store, {
          actor,
          action: "console.code.create",
          result: "ok",
          detail: { expires_at: new Date(expiresAt).toISOString() },
        }),
      ],
      value: { code, expiresAt: new Date(expiresAt).toISOString() },
    }));
  }

  /** Redeems `text` once: deletes the code and opens a session. Returns the cookie value. */
  redeem(text: string): Promise<string> {
    return this.#store.write(async () => {
      const hash = await sha256Hex(normalizeCode(text));
      const rs = await this.#store.execute({
        sql: "SELECT expires_at FROM console_login_codes WHERE code_hash = ?",
        args: [hash],
      });
      const row = rs.rows[0];
      if (!row || Number(row.expires_at) <= Date.now()) {
        if (++this.#failures >= MAX_FAILURES) {
          this.#failures = 0;
          return { statements: [{ sql: "DELETE FROM console_login_codes" }], value: null };
        }
        return { statements: [], value: null };
      }
      const opened = await this.#sessions.openMinted();
      return {
        statements: [
          { sql: "DELETE FROM console_login_codes WHERE code_hash = ?", args: [hash] },
          ...opened.statements,
        ],
        value: opened.cookie,
      };
    }).then((cookie) => {
      if (cookie === null) {
        throw new LoginCodeError(
          'This sign-in code is unknown, used or expired; run "plugd ui" for a new link',
        );
      }
      return cookie;
    });
  }
}
