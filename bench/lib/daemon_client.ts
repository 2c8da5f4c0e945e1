/** Talking to a real daemon over its Unix socket, for the daemon-level measures. */
import {
  startDaemon,
  type StartDaemonOptions,
  type TestDaemon,
} from "../../tests/helpers/daemon.ts";
import { buildDaemon, DIST_DIR } from "../../scripts/build_daemon.ts";

export { startDaemon, type StartDaemonOptions, type TestDaemon };

/** A JSON answer. */
export interface JsonAnswer {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** A socket client with its own HTTP connection pool (close it when done). */
export class SocketClient implements Disposable {
  readonly #client: Deno.HttpClient;

  constructor(socketPath: string) {
    this.#client = Deno.createHttpClient({ proxy: { transport: "unix", path: socketPath } });
  }

  /** JSON request; throws when the daemon cannot be reached. */
  async json(method: string, path: string, body?: unknown): Promise<JsonAnswer> {
    const res = await fetch(`http://plugd${path}`, {
      method,
      client: this.#client,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Any request; the whole body as text (streams are read to their end). */
  async text(
    method: string,
    path: string,
    body?: string,
  ): Promise<{ status: number; text: string }> {
    const res = await fetch(`http://plugd${path}`, {
      method,
      client: this.#client,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body,
    });
    return { status: res.status, text: await res.text() };
  }

  /** POST a JSON body, discard the answer, return the status (the hot path of load loops). */
  async postStatus(path: string, body: string): Promise<number> {
    const res = await fetch(`http://plugd${path}`, {
      method: "POST",
      client: this.#client,
      headers: { "content-type": "application/json" },
      body,
    });
    await res.body?.cancel();
    return res.status;
  }

  [Symbol.dispose](): void {
    this.#client.close();
  }
}

function expect(answer: JsonAnswer, status: number, what: string): JsonAnswer {
  if (answer.status !== status) {
    throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

/** Install from `source` (folder or .tgz), grant exactly what it requests, enable. */
export async function installGrantEnable(c: SocketClient, source: string): Promise<string> {
  const installed = expect(await c.json("POST", "/v1/plugins", { source }), 201, "install");
  const id = installed.body.id as string;
  const requested = installed.body.requested ??
    (await c.json("GET", `/v1/plugins/${id}`)).body.permissions.requested;
  expect(await c.json("POST", `/v1/plugins/${id}/grant`, { permissions: requested }), 200, "grant");
  expect(await c.json("POST", `/v1/plugins/${id}/enable`), 200, "enable");
  return id;
}

let bundle: Promise<string | undefined> | undefined;

/**
 * What operators run (the unit runs dist/plugd.js): the bundle, built once per bench process from
 * this checkout so a stale dist/ is never measured. `PLUGD_BENCH_DAEMON=main.ts` runs the
 * TypeScript modules instead (to compare).
 */
function daemonEntry(): Promise<string | undefined> {
  if (Deno.env.get("PLUGD_BENCH_DAEMON") === "main.ts") return Promise.resolve(undefined);
  return bundle ??= buildDaemon(DIST_DIR).then((built) => built.entry);
}

/** Start a daemon (the bundle operators run) with plugin output kept quiet enough for load. */
export async function benchDaemon(options: StartDaemonOptions = {}): Promise<TestDaemon> {
  return startDaemon({ readyTimeoutMs: 60_000, entry: await daemonEntry(), ...options });
}
