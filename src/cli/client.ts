import { CliError, type CommandContext, EXIT } from "./command.ts";
import { clientTarget } from "./client_target.ts";

/** Talks to the daemon: over the Unix socket by default, or `--url` + `--token` over HTTP. */
export class ApiClient {
  #base: string;
  #token?: string;
  #client?: Deno.HttpClient;
  #origin = "";
  readonly target: string;

  constructor(options: { socketPath?: string; url?: string; token?: string; cacert?: string }) {
    if (options.url) {
      this.#base = options.url.replace(/\/+$/, "");
      this.#token = options.token;
      this.target = this.#base;
      if (options.cacert) {
        this.#client = Deno.createHttpClient({ caCerts: [readCa(options.cacert)] });
      }
    } else {
      const path = options.socketPath!;
      this.#base = "http://plugd";
      this.#client = Deno.createHttpClient({ proxy: { transport: "unix", path } });
      this.target = `unix:${path}`;
    }
  }

  /** Builds a client from global options, the environment and plugd.yaml (client_target.ts). */
  static fromContext(ctx: CommandContext): ApiClient {
    const target = clientTarget(ctx);
    const client = target.kind === "url"
      ? new ApiClient({ url: target.url, token: target.token, cacert: target.cacert })
      : new ApiClient({ socketPath: target.path });
    client.#origin = target.origin;
    return client;
  }

  /** Sends a request; returns the parsed JSON body or throws CliError with the problem detail. */
  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const response = await this.raw(method, path, body, extraHeaders);
    const text = await response.text();
    const data = text ? safeJson(text) : null;
    if (!response.ok) {
      const detail = (data as { detail?: string } | null)?.detail ?? text.slice(0, 300);
      throw new CliError(`${detail} (HTTP ${response.status})`);
    }
    return data as T;
  }

  /** Sends a request and returns the raw response (for streams); `signal` aborts it. */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    // Bytes (a package upload) go as they are, with the caller's content-type; the rest as JSON.
    const binary = body instanceof Uint8Array;
    if (body !== undefined && !binary) headers["content-type"] = "application/json";
    try {
      return await fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : binary ? body as BodyInit : JSON.stringify(body),
        client: this.#client,
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const cause = String((error as { cause?: { message?: string } }).cause?.message ?? "");
      if (this.#base.startsWith("https:") && /certificate|issuer|tls|handshake/i.test(cause)) {
        throw new CliError(
          `cannot verify the TLS certificate of ${this.target}: ${cause}; pass the CA that ` +
            `signed it with --cacert FILE (or PLUGD_CACERT)`,
          EXIT.unreachable,
          { cause: error },
        );
      }
      throw new CliError(
        `cannot reach the daemon at ${this.target}${
          this.#origin ? ` (from ${this.#origin})` : ""
        }: ` +
          `${(error as Error).message}; is "plugd daemon" running? ` +
          `(choose it with --socket, PLUGD_SOCKET, --state-dir or --url)`,
        EXIT.unreachable,
        { cause: error },
      );
    }
  }

  /**
   * Runs a long operation as a job (`Prefer: respond-async`), printing its progress lines with
   * `onProgress` until it settles; returns its result or throws its problem's detail.
   */
  async job<T>(
    method: string,
    path: string,
    body: unknown,
    onProgress: (msg: string) => void,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    type Job = {
      id: string;
      state: string;
      progress: { msg: string }[];
      result?: T;
      error?: { status: number; detail: string };
    };
    let job = await this.request<Job>(method, path, body, {
      ...extraHeaders,
      prefer: "respond-async",
    });
    let shown = 0;
    for (let delay = 50;; delay = Math.min(delay * 2, 500)) {
      for (const p of job.progress.slice(shown)) onProgress(p.msg);
      shown = job.progress.length;
      if (job.state === "succeeded") return job.result as T;
      if (job.state === "failed") {
        throw new CliError(`${job.error?.detail} (HTTP ${job.error?.status})`);
      }
      await new Promise((r) => setTimeout(r, delay));
      job = await this.request<Job>("GET", `/v1/jobs/${job.id}`);
    }
  }

  close(): void {
    this.#client?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The PEM of `--cacert`; a missing or unreadable file is a usage error naming it. */
function readCa(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    throw new CliError(
      `cannot read the CA certificate ${path} (--cacert / PLUGD_CACERT): ${
        (error as Error).message
      }`,
      EXIT.usage,
    );
  }
}
