/** Helpers for the fault tests of issue 22: raw sockets, fixtures, daemon memory. */
import assert from "node:assert/strict";
import type { TestDaemon } from "../helpers/daemon.ts";

export { waitFor } from "../helpers/wait_for.ts";

/** A parsed JSON answer; tests read the fields they assert on. */
// deno-lint-ignore no-explicit-any
export type Json = any;

/** Options for tests that own child processes and raw sockets. */
export const OPTS = { sanitizeOps: false, sanitizeResources: false } as const;

/** Absolute path of a fixture under tests/fixtures/reliability (or another fixture folder). */
export function fixture(name: string, folder = "reliability"): string {
  return new URL(`../fixtures/${folder}/${name}`, import.meta.url).pathname;
}

/** JSON over the Unix socket. */
export async function call(
  d: TestDaemon,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await d.fetchSocket(path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

/** Installs the plugin folder `dir`, grants what it requests and enables it; returns its id. */
export async function installEnable(d: TestDaemon, dir: string): Promise<string> {
  const installed = await call(d, "POST", "/v1/plugins", { source: dir });
  assert.equal(installed.status, 201, JSON.stringify(installed.body));
  const id = installed.body.id as string;
  const granted = await call(d, "POST", `/v1/plugins/${id}/grant`, {
    permissions: installed.body.requested,
  });
  assert.equal(granted.status, 200, JSON.stringify(granted.body));
  const enabled = await call(d, "POST", `/v1/plugins/${id}/enable`);
  assert.equal(enabled.status, 200, JSON.stringify(enabled.body));
  return id;
}

/** Creates a token with `scope`; returns its id and secret. */
export async function token(
  d: TestDaemon,
  scope: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; secret: string }> {
  const r = await call(d, "POST", "/v1/tokens", { name: `t-${scope}`, scope, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.id, secret: r.body.token };
}

/** Opens a TCP connection to the daemon and writes `text` (e.g. a partial request). */
export async function rawConnect(d: TestDaemon, text = ""): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: d.port });
  if (text) await conn.write(new TextEncoder().encode(text));
  return conn;
}

/**
 * Reads until the peer closes the connection and returns everything read; fails after
 * `timeoutMs` (a safety net: a connection the daemon never closes is the failure asserted).
 */
export async function readUntilClosed(conn: Deno.Conn, timeoutMs = 30_000): Promise<string> {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const buf = new Uint8Array(64 * 1024);
  const deadline = Date.now() + timeoutMs;
  while (true) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) =>
      timer = setTimeout(() => r("late"), deadline - Date.now())
    );
    const n = await Promise.race([conn.read(buf).catch(() => null), late]).finally(() =>
      clearTimeout(timer)
    );
    if (n === "late") throw new Error(`the daemon kept the connection open ${timeoutMs} ms`);
    if (n === null) break;
    chunks.push(decoder.decode(buf.subarray(0, n), { stream: true }));
  }
  try {
    conn.close();
  } catch { /* closed */ }
  return chunks.join("");
}

/** VmRSS of a process in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * The whole body of a streaming response; fails after `timeoutMs` (the stream that never ends
 * is the failure asserted).
 */
export async function textWithin(res: Response, timeoutMs = 30_000): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) =>
    timer = setTimeout(() => {
      res.body?.cancel().catch(() => {});
      reject(new Error(`the stream did not end within ${timeoutMs} ms`));
    }, timeoutMs)
  );
  try {
    return await Promise.race([res.text(), late]);
  } finally {
    clearTimeout(timer);
  }
}
