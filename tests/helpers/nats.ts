/**
 * A real `nats-server -js` (Debian package `nats-server`) on a free loopback port for fleet
 * tests and benches. It can be stopped and started again on the same port with the same
 * JetStream store, so a test can take NATS away and bring it back.
 */
import { join } from "node:path";

const NATS_SERVER = "/usr/sbin/nats-server";

/** A NATS server under test. */
export interface TestNats {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  port: number;
  storeDir: string;
  /** Everything the server logged. */
  log: () => string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s). */
  stop: () => Promise<void>;
  /** Starts it again on the same port and store (after `stop`). */
  restart: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Options of {@linkcode startNats}. */
export interface StartNatsOptions {
  /** More `nats-server` arguments (`--user`, `--tls`, ...). @default none */
  args?: string[];
  /** The URL scheme clients use (`tls` with `--tls`). @default "nats" */
  scheme?: "nats" | "tls";
}

/** Starts `nats-server -js` on a free loopback port and waits until it accepts clients. */
export async function startNats(options: StartNatsOptions = {}): Promise<TestNats> {
  const storeDir = await Deno.makeTempDir({ prefix: "plugd-nats-" });
  const port = freePort();
  let logText = "";
  let child: Deno.ChildProcess | null = null;
  let pump: Promise<void> = Promise.resolve();

  const spawn = async () => {
    child = new Deno.Command(NATS_SERVER, {
      args: [
        "-js",
        "-a",
        "127.0.0.1",
        "-p",
        String(port),
        "-sd",
        join(storeDir, "js"),
        ...(options.args ?? []),
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const proc = child;
    const ready = Promise.withResolvers<void>();
    pump = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of proc.stderr) {
        logText += decoder.decode(chunk, { stream: true });
        if (logText.includes("Server is ready")) ready.resolve();
      }
      ready.reject(new Error(`nats-server exited before it was ready:\n${logText}`));
    })();
    const timer = setTimeout(
      () => ready.reject(new Error(`nats-server did not start:\n${logText}`)),
      30_000,
    );
    try {
      await ready.promise;
    } catch (error) {
      proc.kill("SIGKILL");
      await proc.status;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = null;
    try {
      proc.kill("SIGTERM");
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        proc.kill("SIGKILL");
      } catch { /* gone */ }
    }, 5000);
    await proc.status;
    clearTimeout(timer);
    await pump.catch(() => {});
  };

  await spawn();
  return {
    url: `${options.scheme ?? "nats"}://127.0.0.1:${port}`,
    port,
    storeDir,
    log: () => logText,
    stop,
    restart: async () => {
      await stop();
      await spawn();
    },
    [Symbol.asyncDispose]: async () => {
      await stop();
      await Deno.remove(storeDir, { recursive: true }).catch(() => {});
    },
  };
}
