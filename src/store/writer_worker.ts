/**
 * The store's writer thread: a Web Worker that owns the write connection to the database, so a
 * commit (fsync, WAL checkpoint, a busy wait on a lock: all synchronous native calls in libSQL)
 * never blocks the daemon's event loop. Messages are handled one at a time, in order.
 *
 * In:  `{kind: "open", url, authToken?, pragmas}` → `{kind: "opened"}` or `{kind: "failed", error}`
 *      `{kind: "batch", id, statements}` → `{kind: "done", id, ms}` or `{kind: "error", id, error}`
 *      `{kind: "checkpoint", id}` → `{kind: "done", id, ms}` or `{kind: "error", id, error}`
 *      `{kind: "close"}` → `{kind: "closed"}`
 *
 * @module
 */
/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
import type { Client, InStatement } from "@libsql/client";
import { localPath, NativeWriter } from "./native_writer.ts";

/** An error as it crosses the thread boundary (plain data). */
export interface WireError {
  name: string;
  message: string;
  code?: string;
}

type Inbound =
  | { kind: "open"; url: string; authToken?: string; pragmas: string[] }
  | { kind: "batch"; id: number; statements: InStatement[] }
  | { kind: "checkpoint"; id: number }
  | { kind: "close" };

/** The connection: the native driver for a database file, the client for a remote one. */
let client: Client | NativeWriter | null = null;
let queue: Promise<void> = Promise.resolve();

function wire(error: unknown): WireError {
  const e = error as { name?: string; message?: string; code?: unknown };
  return {
    name: String(e?.name ?? "Error"),
    message: String(e?.message ?? error),
    ...(typeof e?.code === "string" ? { code: e.code } : {}),
  };
}

async function handle(message: Inbound): Promise<void> {
  switch (message.kind) {
    case "open":
      try {
        const path = localPath(message.url);
        if (path !== null) client = new NativeWriter(path, message.pragmas);
        else {
          // Only a remote database needs the client (and its HTTP/WebSocket protocol modules).
          const { createClient } = await import("@libsql/client");
          const remote = createClient({ url: message.url, authToken: message.authToken });
          client = remote;
          for (const pragma of message.pragmas) await remote.execute(pragma);
        }
        self.postMessage({ kind: "opened" });
      } catch (error) {
        self.postMessage({ kind: "failed", error: wire(error) });
      }
      return;
    case "batch":
    case "checkpoint": {
      const started = performance.now();
      try {
        if (!client) throw new Error("the writer connection is not open");
        if (message.kind === "checkpoint") {
          // Only a file has a log to checkpoint (in-thread commits, _in_thread_writer.ts).
          if (client instanceof NativeWriter) client.checkpoint();
        } else if (client instanceof NativeWriter) client.batch(message.statements);
        else await client.batch(message.statements, "write");
        self.postMessage({ kind: "done", id: message.id, ms: performance.now() - started });
      } catch (error) {
        self.postMessage({ kind: "error", id: message.id, error: wire(error) });
      }
      return;
    }
    case "close":
      client?.close();
      client = null;
      self.postMessage({ kind: "closed" });
      self.close();
  }
}

self.onmessage = (event: MessageEvent<Inbound>) => {
  queue = queue.then(() => handle(event.data));
};
