/**
 * This daemon's identity at each registry server: an installation registered on first use
 * (`POST /api/v1/installations`), whose token (sealed under the master key) signs its reviews
 * and flags. One review per installation per plugin is the registry's rule.
 */
import type { RegistrySource } from "../config/mod.ts";
import { boundedFetch, RegistryError } from "../registry/mod.ts";
import { decryptSecret, encryptSecret, type MasterKeyRef } from "../secrets/mod.ts";
import type { Store } from "../store/mod.ts";

/** The AAD binding a sealed installation token to its registry. */
export function installationAad(registry: string): string {
  return `registry-installation:${registry}`;
}

/** The installation token for `source`, registering this daemon there on first use. */
export async function installationToken(
  store: Store,
  key: MasterKeyRef,
  source: RegistrySource,
  options: { timeoutMs?: number; renew?: boolean } = {},
): Promise<string> {
  if (!options.renew) {
    const rs = await store.execute({
      sql: "SELECT token FROM registry_installations WHERE registry = ?",
      args: [source.name],
    });
    if (rs.rows[0]) {
      return await decryptSecret(key, String(rs.rows[0].token), installationAad(source.name));
    }
  }
  const { body } = await boundedFetch(`${source.url}/api/v1/installations`, {
    method: "POST",
    maxBytes: 64 * 1024,
    timeoutMs: options.timeoutMs,
    what: `registry "${source.name}"`,
  });
  const { id, token } = JSON.parse(new TextDecoder().decode(body)) as { id: string; token: string };
  if (typeof token !== "string") {
    throw new RegistryError(
      "registry_http",
      `registry "${source.name}" gave no installation token`,
    );
  }
  const sealed = await encryptSecret(key, token, installationAad(source.name));
  await store.write(() => ({
    statements: [{
      sql: `INSERT INTO registry_installations (registry, installation_id, token, created_at)
            VALUES (?, ?, ?, ?)
            ON CONFLICT (registry) DO UPDATE SET installation_id = excluded.installation_id,
              token = excluded.token, created_at = excluded.created_at`,
      args: [source.name, id, sealed, new Date().toISOString()],
    }],
  }));
  return token;
}

/**
 * Sends `body` to `path` on `source` as this installation; re-registers once if the registry
 * no longer knows the token (e.g. its database was reset).
 */
export async function asInstallation(
  store: Store,
  key: MasterKeyRef,
  source: RegistrySource,
  request: { method: string; path: string; body?: unknown; timeoutMs?: number },
): Promise<{ status: number; body: unknown }> {
  for (const renew of [false, true]) {
    const token = await installationToken(store, key, source, { ...request, renew });
    const response = await boundedFetch(`${source.url}${request.path}`, {
      method: request.method,
      maxBytes: 1024 * 1024,
      timeoutMs: request.timeoutMs,
      headers: {
        authorization: `Bearer ${token}`,
        ...(request.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      passStatuses: renew ? [] : [401],
      what: `registry "${source.name}"`,
    });
    if (response.status === 401) continue;
    const text = new TextDecoder().decode(response.body);
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }
  throw new RegistryError("registry_http", `registry "${source.name}" refused this installation`);
}
