import { join } from "node:path";
import type { Store } from "../store/mod.ts";
import { newToken } from "./tokens.ts";

/**
 * On first start (no admin token in the DB), creates one and writes it to
 * `<stateDir>/admin.token` with mode 0600. Returns the path when a token was written.
 */
export async function ensureAdminToken(store: Store, stateDir: string): Promise<string | null> {
  const rs = await store.execute("SELECT COUNT(*) AS n FROM tokens WHERE scope = 'admin'");
  if (Number(rs.rows[0]?.n ?? 0) > 0) return null;
  const { token, statement } = await newToken("initial admin", "admin");
  const path = join(stateDir, "admin.token");
  // Write the file before the row, so a crash in between leaves no unusable token behind.
  await Deno.writeTextFile(path, token + "\n", { mode: 0o600, create: true });
  await Deno.chmod(path, 0o600);
  await store.write(() => ({ statements: [statement] }));
  return path;
}
