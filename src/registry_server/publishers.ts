/**
 * Publishers: accounts that own a namespace of plugin ids and the Ed25519 keys their packages
 * are signed with. Admins create them (active at once) or, with open sign-up, people sign up
 * (pending until an admin approves).
 */
import type { InStatement } from "@libsql/client";
import { auditStatement } from "../audit/mod.ts";
import { HttpError } from "../api/mod.ts";
import type { Store } from "../store/mod.ts";
import { newPrincipalToken } from "./tokens.ts";
import {
  refreshPluginStatement,
  relistPublisherStatement,
  type VersionFacts,
} from "./plugin_summary.ts";

/** A publisher as the API shows it. */
export interface Publisher {
  name: string;
  display_name: string;
  /** Plugin id globs it may publish (`*` any run, `?` one character), e.g. `acme-*`. */
  namespaces: string[];
  status: "pending" | "active" | "banned";
  verified: boolean;
  reason: string | null;
  created_at: string;
  keys: { id: string; created_at: string; revoked_at: string | null }[];
}

const NAME = /^[a-z0-9][a-z0-9-]{1,38}$/;
const NAMESPACE = /^[a-z0-9*?][a-z0-9*?-]{0,62}$/;

/** Input of {@link createPublisher}. */
export interface PublisherInput {
  name: unknown;
  display_name?: unknown;
  namespaces?: unknown;
}

function checkInput(input: PublisherInput): {
  name: string;
  displayName: string;
  namespaces: string[];
} {
  const name = input.name;
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new HttpError(
      400,
      "name must be 2-39 lowercase letters, digits or '-', starting with a letter or digit",
    );
  }
  const displayName = input.display_name ?? name;
  if (typeof displayName !== "string" || displayName.length === 0 || displayName.length > 200) {
    throw new HttpError(400, "display_name must be a non-empty string of at most 200 characters");
  }
  const namespaces = input.namespaces ?? [`${name}-*`, name];
  if (
    !Array.isArray(namespaces) || namespaces.length === 0 ||
    !namespaces.every((n) => typeof n === "string" && NAMESPACE.test(n))
  ) {
    throw new HttpError(
      400,
      'namespaces must be a non-empty list of plugin id globs such as "acme-*"',
    );
  }
  return { name, displayName, namespaces: [...new Set(namespaces as string[])].sort() };
}

/**
 * Creates a publisher with a token (returned once). `status` is `active` when an admin creates
 * it, `pending` for an open sign-up. 409 if the name is taken.
 */
export function createPublisher(
  store: Store,
  input: PublisherInput,
  options: { status: "active" | "pending"; actor: string },
): Promise<{ publisher: Publisher; token: string }> {
  const { name, displayName, namespaces } = checkInput(input);
  return store.write(async () => {
    const existing = await store.execute({
      sql: "SELECT 1 FROM publishers WHERE name = ?",
      args: [name],
    });
    if (existing.rows.length > 0) {
      throw new HttpError(409, `A publisher named "${name}" already exists; choose another name`);
    }
    const now = new Date().toISOString();
    const { token, statement } = await newPrincipalToken("publisher", name);
    return {
      statements: [
        {
          sql: `INSERT INTO publishers (name, display_name, namespaces, status, created_at)
                VALUES (?, ?, ?, ?, ?)`,
          args: [name, displayName, JSON.stringify(namespaces), options.status, now],
        },
        statement,
        await auditStatement(store, {
          actor: options.actor,
          action: "publisher.create",
          target: name,
          result: options.status,
          detail: { namespaces },
        }),
      ],
      value: {
        token,
        publisher: {
          name,
          display_name: displayName,
          namespaces,
          status: options.status,
          verified: false,
          reason: null,
          created_at: now,
          keys: [],
        },
      },
    };
  });
}

/** One publisher with its keys (404 when unknown). */
export async function getPublisher(store: Store, name: string): Promise<Publisher> {
  const rs = await store.execute({ sql: "SELECT * FROM publishers WHERE name = ?", args: [name] });
  const row = rs.rows[0];
  if (!row) throw new HttpError(404, `No publisher "${name}"`);
  const keys = await store.execute({
    sql:
      "SELECT id, created_at, revoked_at FROM publisher_keys WHERE publisher = ? ORDER BY created_at",
    args: [name],
  });
  return {
    name: String(row.name),
    display_name: String(row.display_name),
    namespaces: JSON.parse(String(row.namespaces)),
    status: row.status as Publisher["status"],
    verified: Number(row.verified) === 1,
    reason: row.reason === null ? null : String(row.reason),
    created_at: String(row.created_at),
    keys: keys.rows.map((k) => ({
      id: String(k.id),
      created_at: String(k.created_at),
      revoked_at: k.revoked_at === null ? null : String(k.revoked_at),
    })),
  };
}

/** What an admin may change on a publisher. */
export type PublisherChange =
  | { status: "active" | "banned"; reason?: string }
  | { verified: boolean }
  | { namespaces: string[] };

/** Applies an admin decision (approve, ban, verify, namespaces), audited. */
export function changePublisher(
  store: Store,
  name: string,
  change: PublisherChange,
  actor: string,
): Promise<Publisher> {
  return store.write(async () => {
    const before = await getPublisher(store, name);
    const now = new Date().toISOString();
    let sql: string;
    let args: (string | number | null)[];
    let action: string;
    if ("status" in change) {
      sql = "UPDATE publishers SET status = ?, reason = ?, reviewed_at = ? WHERE name = ?";
      args = [change.status, change.reason ?? null, now, name];
      action = change.status === "active" ? "publisher.approve" : "publisher.ban";
    } else if ("verified" in change) {
      sql = "UPDATE publishers SET verified = ?, reviewed_at = ? WHERE name = ?";
      args = [change.verified ? 1 : 0, now, name];
      action = change.verified ? "publisher.verify" : "publisher.unverify";
    } else {
      const { namespaces } = checkInput({ name, namespaces: change.namespaces });
      sql = "UPDATE publishers SET namespaces = ? WHERE name = ?";
      args = [JSON.stringify(namespaces), name];
      action = "publisher.namespaces";
    }
    const statements: InStatement[] = [
      { sql, args },
      await auditStatement(store, { actor, action, target: name, result: "ok", detail: change }),
    ];
    // Approving a publisher publishes what it uploaded while pending (a ban hides its plugins:
    // listing and resolution require an active publisher).
    if ("status" in change && change.status === "active" && before.status === "pending") {
      statements.push(...await publishWaitingVersions(store, name));
    }
    if ("status" in change) statements.push(relistPublisherStatement(name));
    return { statements, value: undefined };
  }).then(() => getPublisher(store, name));
}

/** Publishes what a pending publisher uploaded, refreshing each plugin's listing. */
async function publishWaitingVersions(store: Store, publisher: string): Promise<InStatement[]> {
  const rs = await store.execute({
    sql: `SELECT v.plugin_id, v.version, v.manifest, v.permissions, v.published_at
          FROM versions v JOIN plugins p ON p.id = v.plugin_id
          WHERE p.publisher = ? AND v.status = 'pending' AND v.review_reason = 'new publisher'`,
    args: [publisher],
  });
  const byPlugin = new Map<string, VersionFacts[]>();
  for (const r of rs.rows) {
    const list = byPlugin.get(String(r.plugin_id)) ?? [];
    list.push({
      version: String(r.version),
      manifest: String(r.manifest),
      permissions: String(r.permissions),
      published_at: String(r.published_at),
    });
    byPlugin.set(String(r.plugin_id), list);
  }
  const statements: InStatement[] = [];
  for (const [id, facts] of byPlugin) {
    statements.push(
      {
        sql: `UPDATE versions SET status = 'published', review_reason = NULL
              WHERE plugin_id = ? AND status = 'pending' AND review_reason = 'new publisher'`,
        args: [id],
      },
      await refreshPluginStatement(store, id, { add: facts }),
    );
  }
  return statements;
}
