/** The trusted signing keys table: listing, trusting, revoking, and id-pattern matching. */
import type { InStatement } from "@libsql/client";
import { auditStatement } from "../audit/mod.ts";
import type { Store } from "../store/mod.ts";
import { parsePublicKey } from "./keys.ts";

/** A trusted key as stored and listed. */
export interface TrustedKey {
  id: string;
  name: string;
  alg: "Ed25519";
  /** Base64 raw public key. */
  public_key: string;
  /** Plugin id glob patterns this key may sign, e.g. `acme-*`. */
  allowed_ids: string[];
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

/** What `POST /v1/keys` accepts. */
export interface TrustKeyInput {
  /** Base64 raw key, or the parsed `.pub` file. */
  public_key: unknown;
  name?: string;
  allowed_ids?: string[];
  expires_at?: string | null;
}

const ID_PATTERN = /^[a-z0-9*?][a-z0-9*?-]{0,62}$/;

/** Whether plugin `id` matches one of the glob `patterns` (`*` any run, `?` one char). */
export function idAllowed(id: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    const re = "^" + p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")
      .replaceAll("?", ".") +
      "$";
    return new RegExp(re).test(id);
  });
}

function rowToKey(row: Record<string, unknown>): TrustedKey {
  return {
    id: String(row.id),
    name: String(row.name),
    alg: "Ed25519",
    public_key: String(row.public_key),
    allowed_ids: JSON.parse(String(row.allowed_ids)),
    expires_at: row.expires_at === null ? null : String(row.expires_at),
    revoked_at: row.revoked_at === null ? null : String(row.revoked_at),
    created_at: String(row.created_at),
  };
}

/** Every key ever trusted (revoked ones included), oldest first. */
export async function listTrustedKeys(store: Store): Promise<TrustedKey[]> {
  const rs = await store.execute("SELECT * FROM trusted_keys ORDER BY created_at, id");
  return rs.rows.map((r) => rowToKey(r as Record<string, unknown>));
}

/** One key by id, or null. */
export async function findTrustedKey(store: Store, id: string): Promise<TrustedKey | null> {
  const rs = await store.execute({ sql: "SELECT * FROM trusted_keys WHERE id = ?", args: [id] });
  const row = rs.rows[0];
  return row ? rowToKey(row as Record<string, unknown>) : null;
}

/** Validates `input`; throws TypeError/RangeError naming the field and the fix. */
async function checkInput(input: TrustKeyInput): Promise<TrustedKey> {
  const pub = await parsePublicKey(input.public_key);
  const allowed = input.allowed_ids ?? ["*"];
  if (
    !Array.isArray(allowed) || allowed.length === 0 ||
    !allowed.every((p) => typeof p === "string" && ID_PATTERN.test(p))
  ) {
    throw new TypeError(
      'allowed_ids must be a non-empty list of plugin id patterns such as "acme-*" or "*"',
    );
  }
  let expires: string | null = null;
  if (input.expires_at !== undefined && input.expires_at !== null) {
    const t = Date.parse(String(input.expires_at));
    if (Number.isNaN(t)) {
      throw new TypeError('expires_at must be an ISO 8601 time such as "2027-01-01T00:00:00Z"');
    }
    expires = new Date(t).toISOString();
  }
  const name = input.name ?? pub.id;
  if (typeof name !== "string" || name.length === 0 || name.length > 200) {
    throw new TypeError("name must be a non-empty string of at most 200 characters");
  }
  return {
    id: pub.id,
    name,
    alg: "Ed25519",
    public_key: pub.public,
    allowed_ids: [...new Set(allowed)].sort(),
    expires_at: expires,
    revoked_at: null,
    created_at: new Date().toISOString(),
  };
}

/** A domain error the API maps to 409 / 404 by name. */
class KeyError extends Error {
  constructor(name: "ConflictError" | "NotFoundError", message: string) {
    super(message);
    this.name = name;
  }
}

/** Adds a trusted key (audited in the same batch). Throws ConflictError if the id exists. */
export function trustKey(store: Store, input: TrustKeyInput, actor: string): Promise<TrustedKey> {
  return store.write(async () => {
    const key = await checkInput(input);
    const existing = await findTrustedKey(store, key.id);
    if (existing) {
      throw new KeyError(
        "ConflictError",
        existing.revoked_at
          ? `Key ${key.id} was revoked on ${existing.revoked_at}; a revoked key cannot be trusted again: generate a new key with "plugd key generate"`
          : `Key ${key.id} is already trusted; revoke it first to change its settings`,
      );
    }
    const statements: InStatement[] = [
      {
        sql: `INSERT INTO trusted_keys (id, name, public_key, allowed_ids, expires_at, created_at)
              VALUES (?, ?, ?, ?, ?, ?)`,
        args: [
          key.id,
          key.name,
          key.public_key,
          JSON.stringify(key.allowed_ids),
          key.expires_at,
          key.created_at,
        ],
      },
      await auditStatement(store, {
        actor,
        action: "key.trust",
        target: key.id,
        result: "ok",
        detail: { name: key.name, allowed_ids: key.allowed_ids, expires_at: key.expires_at },
      }),
    ];
    return { statements, value: key };
  });
}

/** Revokes a key, keeping its row so past signatures are known revoked. Idempotent. */
export function revokeKey(store: Store, id: string, actor: string): Promise<TrustedKey> {
  return store.write(async () => {
    const key = await findTrustedKey(store, id);
    if (!key) {
      throw new KeyError("NotFoundError", `No trusted key ${id}; see "plugd key list"`);
    }
    if (key.revoked_at) return { statements: [], value: key };
    const revokedAt = new Date().toISOString();
    return {
      statements: [
        { sql: "UPDATE trusted_keys SET revoked_at = ? WHERE id = ?", args: [revokedAt, id] },
        await auditStatement(store, {
          actor,
          action: "key.revoke",
          target: id,
          result: "ok",
          detail: { name: key.name },
        }),
      ],
      value: { ...key, revoked_at: revokedAt },
    };
  });
}
