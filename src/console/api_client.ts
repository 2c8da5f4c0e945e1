/**
 * The console acts through the daemon's own HTTP API, in-process, as the signed-in session's
 * token: the API's scope checks, validation, audit rows and errors apply unchanged, so a page can
 * never do more than the token could with curl.
 */
import type { Principal } from "../api/mod.ts";
import type { ApiFetch } from "./types.ts";

/** A problem+json answer from the API. */
export class ApiProblem extends Error {
  override name = "ApiProblem";
  readonly status: number;
  /** Per-field problems (`[{field, message}]`) when the API gave them. */
  readonly problems: { field: string; message: string }[];
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body.detail === "string" ? body.detail : `The API answered ${status}`);
    this.status = status;
    this.body = body;
    this.problems = Array.isArray(body.problems) ? body.problems : [];
  }
}

/** A JSON answer: status and parsed body. */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Calls the API as one principal. */
export class ConsoleApi {
  #fetch: ApiFetch;
  #principal: Principal;

  constructor(fetch: ApiFetch, principal: Principal) {
    this.#fetch = fetch;
    this.#principal = principal;
  }

  /** GET `path`; throws {@linkcode ApiProblem} unless 2xx. */
  async get<T = Record<string, unknown>>(path: string): Promise<T> {
    return (await this.send<T>("GET", path)).body;
  }

  /** Any method with an optional JSON body; throws {@linkcode ApiProblem} unless 2xx. */
  async send<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> {
    const res = await this.raw(method, path, body);
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : {};
    if (!res.ok) throw new ApiProblem(res.status, parsed);
    return { status: res.status, body: parsed as T };
  }

  /** The raw response (for streams). */
  raw(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const init: RequestInit = { method, signal };
    if (body !== undefined) {
      init.headers = { "content-type": "application/json" };
      init.body = JSON.stringify(body);
    }
    return this.#fetch(new Request(`http://plugd.console${path}`, init), {
      transport: "console",
      principal: this.#principal,
    });
  }
}
