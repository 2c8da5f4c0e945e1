/**
 * The daemon's connection to NATS: connects in the background (the daemon never waits for NATS
 * to start), reconnects forever, and tells listeners when it is up so they (re)attach watchers
 * and consumers. Authentication and TLS as NATS users expect: creds file, NKey seed,
 * user/password, token; CA, client certificate and key.
 */
import {
  type Authenticator,
  connect,
  credsAuthenticator,
  type NatsConnection,
  nkeyAuthenticator,
  type NodeConnectionOptions,
} from "@nats-io/transport-node";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import type { FleetSettings } from "../config/mod.ts";

/** What the connection reports to the service. */
export interface ConnectionEvents {
  /** Connected for the first time or again after a disconnect. */
  onUp: (nc: NatsConnection) => void;
  onDown: (reason: string) => void;
  log: (message: string) => void;
}

/** How long between attempts while NATS cannot be reached at all. */
const RETRY_MS = 1000;

/** A NATS connection that keeps trying; `await using` closes it. */
export class FleetConnection {
  #settings: FleetSettings;
  #events: ConnectionEvents;
  #nc: NatsConnection | null = null;
  #connected = false;
  #stopped = false;
  #lastError: string | null = null;
  #loop: Promise<void> | null = null;

  constructor(settings: FleetSettings, events: ConnectionEvents) {
    this.#settings = settings;
    this.#events = events;
  }

  /** Whether NATS is reachable now. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Why the last attempt or the connection failed, for health and status. */
  get lastError(): string | null {
    return this.#lastError;
  }

  /** The live connection, or null while disconnected. */
  get nc(): NatsConnection | null {
    return this.#connected ? this.#nc : null;
  }

  /** Starts connecting in the background. */
  start(): void {
    this.#loop ??= this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let nc: NatsConnection;
      try {
        nc = await connect(await connectOptions(this.#settings));
      } catch (error) {
        this.#note(`cannot reach NATS at ${this.#settings.servers.join(",")}: ${message(error)}`);
        await this.#sleep(RETRY_MS);
        continue;
      }
      if (this.#stopped) {
        await nc.close().catch(() => {});
        return;
      }
      this.#nc = nc;
      this.#up(nc);
      // The client reconnects by itself from here on; follow its status until it closes.
      for await (const s of nc.status()) {
        if (s.type === "disconnect") this.#down(`disconnected from ${s.server}`);
        else if (s.type === "reconnect") this.#up(nc);
      }
      await nc.closed();
      this.#down("connection closed");
      if (!this.#stopped) await this.#sleep(RETRY_MS);
    }
  }

  #up(nc: NatsConnection): void {
    this.#connected = true;
    this.#lastError = null;
    this.#events.log(`fleet: connected to NATS ${nc.getServer()}`);
    this.#events.onUp(nc);
  }

  #down(reason: string): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#lastError = reason;
    this.#events.log(
      `fleet: ${reason}; plugins and local events go on, fleet work resumes on reconnect`,
    );
    this.#events.onDown(reason);
  }

  #note(text: string): void {
    if (text !== this.#lastError) this.#events.log(`fleet: ${text}`);
    this.#lastError = text;
  }

  #wake: (() => void) | null = null;
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Drains and closes the connection; stops trying. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    const nc = this.#nc;
    this.#connected = false;
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close().catch(() => {}));
    await this.#loop?.catch(() => {});
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The client options for `settings`: servers, name, reconnect policy, auth and TLS. */
export async function connectOptions(settings: FleetSettings): Promise<NodeConnectionOptions> {
  const options: NodeConnectionOptions = {
    servers: settings.servers,
    name: `plugd ${settings.hostId}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    timeout: 5000,
    pingInterval: 10_000,
  };
  let authenticator: Authenticator | undefined;
  if (settings.credsFile) {
    authenticator = credsAuthenticator(await readSecretFile(settings.credsFile, "nats.creds"));
  } else if (settings.nkeyFile) {
    const seed = new TextDecoder().decode(await readSecretFile(settings.nkeyFile, "nats.nkey"));
    authenticator = nkeyAuthenticator(new TextEncoder().encode(seed.trim()));
  }
  if (authenticator) options.authenticator = authenticator;
  if (settings.user) [options.user, options.pass] = [settings.user, settings.password ?? ""];
  if (settings.token) options.token = settings.token;
  if (settings.tls) {
    options.tls = {
      ...(settings.tls.caFile ? { caFile: settings.tls.caFile } : {}),
      ...(settings.tls.certFile ? { certFile: settings.tls.certFile } : {}),
      ...(settings.tls.keyFile ? { keyFile: settings.tls.keyFile } : {}),
      // The client upgrades a plain socket, so Node's check sees "localhost" instead of the
      // server's address (an IP-address server could never match). Check the certificate
      // against the configured servers' names and addresses instead.
      checkServerIdentity: serverIdentityCheck(settings.servers),
    } as NodeConnectionOptions["tls"];
  }
  return options;
}

/**
 * A `checkServerIdentity` that accepts a certificate valid for one of `servers` (names or IP
 * addresses, as written in `nats.url`), and refuses any other.
 */
export function serverIdentityCheck(
  servers: readonly string[],
): (name: string, cert: PeerCertificate) => Error | undefined {
  const hosts = servers.map((s) => {
    const url = new URL(/^[a-z]+:\/\//.test(s) ? s : `nats://${s}`);
    return url.hostname.replace(/^\[|\]$/g, "");
  });
  return (_name, cert) => {
    let error: Error | undefined;
    for (const host of hosts) {
      error = checkServerIdentity(host, cert);
      if (!error) return undefined;
    }
    return error ?? new Error("no NATS server configured to check the certificate against");
  };
}

async function readSecretFile(path: string, setting: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    throw new Error(`cannot read ${setting} file ${path}: ${message(error)}`, { cause: error });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
