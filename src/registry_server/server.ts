/**
 * `plugd registry serve`: a registry server with its own state dir, libSQL database and port.
 * First start writes an admin token (`admin.token`, 0600) and the advisory signing key
 * (`advisory.key`, 0600; public half `advisory.pub`).
 */
import { join } from "node:path";
import { toProblemResponse } from "../api/mod.ts";
import { openStore, type Store } from "../store/mod.ts";
import { ensureAdvisoryKey } from "./advisories.ts";
import { createRegistryApp } from "./app.ts";
import type { RegistryConfig } from "./config.ts";
import { REGISTRY_MIGRATIONS } from "./migrations/mod.ts";
import { newPrincipalToken } from "./tokens.ts";

/** A running registry server; `await using` stops it. */
export class RegistryServer {
  readonly config: RegistryConfig;
  readonly store: Store;
  readonly advisoryKeyId: string;
  #server: Deno.HttpServer<Deno.NetAddr>;

  private constructor(
    config: RegistryConfig,
    store: Store,
    server: Deno.HttpServer<Deno.NetAddr>,
    keyId: string,
  ) {
    this.config = config;
    this.store = store;
    this.#server = server;
    this.advisoryKeyId = keyId;
  }

  /** Opens state, migrates, listens. `log` receives start-up lines. */
  static async start(
    config: RegistryConfig,
    log: (line: string) => void = () => {},
  ): Promise<RegistryServer> {
    const { stateDir } = config;
    await Deno.mkdir(stateDir, { recursive: true, mode: 0o700 });
    const packagesDir = join(stateDir, "packages");
    const incomingDir = join(stateDir, "incoming");
    await Deno.mkdir(packagesDir, { recursive: true, mode: 0o755 });
    await Deno.mkdir(incomingDir, { recursive: true, mode: 0o700 });
    const store = await openStore(config.dbUrl, {
      authToken: config.dbAuthToken,
      migrations: REGISTRY_MIGRATIONS,
    });
    try {
      const tokenPath = await ensureAdminToken(store, stateDir);
      if (tokenPath) log(`wrote the initial admin token to ${tokenPath} (mode 0600)`);
      const advisory = await ensureAdvisoryKey(stateDir);
      log(
        `advisory signing key ${advisory.key.id}` +
          (advisory.created ? ` created; give ${advisory.publicPath} to daemon operators` : ""),
      );
      const app = createRegistryApp({
        store,
        packagesDir,
        incomingDir,
        settings: config.settings,
        advisoryKey: advisory.key,
      });
      const { hostname, port } = config.http;
      const server = Deno.serve(
        { hostname, port, onListen: () => {}, onError: toProblemResponse },
        (req) => app.fetch(req),
      );
      log(`registry listening on http://${hostname}:${server.addr.port}`);
      return new RegistryServer(config, store, server, advisory.key.id);
    } catch (error) {
      store.close();
      throw error;
    }
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    return this.#server.addr.port;
  }

  /** Stops accepting, drains in-flight requests, closes the database. */
  async stop(): Promise<void> {
    await this.#server.shutdown();
    this.store.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** Writes `<state>/admin.token` (0600) and its principal on first start. */
async function ensureAdminToken(store: Store, stateDir: string): Promise<string | null> {
  const rs = await store.execute("SELECT count(*) AS n FROM principals WHERE kind = 'admin'");
  if (Number(rs.rows[0]?.n ?? 0) > 0) return null;
  const { token, statement } = await newPrincipalToken("admin", "initial admin");
  const path = join(stateDir, "admin.token");
  await Deno.writeTextFile(path, token + "\n", { mode: 0o600 });
  await Deno.chmod(path, 0o600);
  await store.write(() => ({ statements: [statement] }));
  return path;
}
