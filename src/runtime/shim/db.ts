/** `ctx.db` in the plugin: host calls to the daemon, blobs carried as `{"$blob": base64}`. */
import type {
  PluginDatabase,
  SqlArgs,
  SqlResult,
  SqlStatement,
  SqlTransaction,
} from "../../../sdk/types.ts";
import { hostCall } from "./channel.ts";

type B64 = Uint8Array & { toBase64(): string };
const U8 = Uint8Array as unknown as { fromBase64(s: string): Uint8Array };

function toWire(v: unknown): unknown {
  return v instanceof Uint8Array ? { $blob: (v as B64).toBase64() } : v;
}

function args(a: SqlArgs | undefined): unknown {
  if (a === undefined) return undefined;
  if (Array.isArray(a)) return a.map(toWire);
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, toWire(v)]));
}

function fromWire(result: SqlResult): SqlResult {
  for (const row of result.rows) {
    for (const [k, v] of Object.entries(row)) {
      const blob = v as unknown as { $blob?: unknown } | null;
      if (blob && typeof blob === "object" && typeof blob.$blob === "string") {
        (row as Record<string, unknown>)[k] = U8.fromBase64(blob.$blob);
      }
    }
  }
  return result;
}

async function execute<Row>(
  ref: { call?: number },
  sql: string,
  a?: SqlArgs,
  tx?: string,
): Promise<SqlResult<Row>> {
  const r = await hostCall("db.execute", { sql, args: args(a), tx, ...ref }) as SqlResult;
  return fromWire(r) as unknown as SqlResult<Row>;
}

/** The `ctx.db` object; `ref.call` names the tenant call it serves (its tenant's database). */
export function createDatabase(ref: { call?: number }): PluginDatabase {
  return Object.freeze({
    execute: <Row>(sql: string, a?: SqlArgs) => execute<Row>(ref, sql, a),
    async batch(statements: SqlStatement[]) {
      const wire = statements.map((s) =>
        typeof s === "string" ? { sql: s } : { sql: s.sql, args: args(s.args) }
      );
      return (await hostCall("db.batch", { statements: wire, ...ref }) as SqlResult[]).map(
        fromWire,
      );
    },
    async transaction<T>(fn: (tx: SqlTransaction) => Promise<T>): Promise<T> {
      const { tx } = await hostCall("db.begin", { ...ref }) as { tx: string };
      const handle: SqlTransaction = Object.freeze({
        execute: <Row>(sql: string, a?: SqlArgs) => execute<Row>(ref, sql, a, tx),
      });
      let value: T;
      try {
        value = await fn(handle);
      } catch (error) {
        await hostCall("db.rollback", { tx, ...ref }).catch(() => {});
        throw error;
      }
      await hostCall("db.commit", { tx, ...ref });
      return value;
    },
  });
}
