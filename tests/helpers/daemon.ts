/**
 * Starts the real daemon (`deno run main.ts daemon`) in a temp state dir for end-to-end
 * tests, and waits for it to listen. No mocks: real process, real TCP, real Unix socket.
 */
import { join } from "node:path";
import {
  cgroupInstance,
  detectResourceCaps,
  releaseResourceCaps,
} from "../../src/runtime/resource_caps.ts";
import { moduleTempDir } from "./module_temp_dir.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A daemon process under test. */
export interface TestDaemon {
  process: Deno.ChildProcess;
  stateDir: string;
  socketPath: string;
  port: number;
  baseUrl: string;
  /** The admin token written on first start. */
  token: string;
  /** Everything the daemon wrote to stderr so far. */
  log: () => string;
  /** fetch over TCP with the admin token (unless `init.headers` sets authorization). */
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** fetch over the Unix socket (trusted; no token). */
  fetchSocket: (path: string, init?: RequestInit) => Promise<Response>;
  /** Waits until the daemon's stderr contains `text`. */
  waitForLog: (text: string | RegExp, timeoutMs?: number) => Promise<void>;
  /** SIGTERM and wait; returns the exit code. */
  stop: () => Promise<number>;
  /** SIGKILL and wait. */
  kill: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

/** Options of {@linkcode startDaemon}. */
export interface StartDaemonOptions {
  /**
   * Reuse a state dir (e.g. to restart after a crash). @default a new temp dir, removed when the
   * module that started the daemon ends (see {@linkcode startDaemon})
   */
  stateDir?: string;
  /** Extra CLI args after `daemon`. @default ["--dev"] */
  args?: string[];
  /** Extra environment. */
  env?: Record<string, string>;
  /** Extra `deno run` flags before main.ts (e.g. `--unstable-net`). @default none */
  denoFlags?: string[];
  /** How long to wait for the listeners (generous: CI machines can be loaded). @default 90000 */
  readyTimeoutMs?: number;
  /** A command that runs the daemon, e.g. `["prlimit", "--nofile=256"]` (it must exec it). */
  prefix?: string[];
  /** The module `deno run` starts: a built bundle (`dist/plugd.js`) or main.ts. @default main.ts */
  entry?: string;
}

/**
 * Starts a daemon and resolves once both listeners are up. A state dir made here lasts until the
 * test module (or bench group) that started the daemon ends; a dir given in `options` is the
 * caller's to remove.
 */
export async function startDaemon(options: StartDaemonOptions = {}): Promise<TestDaemon> {
  const stateDir = options.stateDir ?? await moduleTempDir("plugd-e2e-");
  const socketPath = join(stateDir, "plugd.sock");
  const [cmd, ...pre] = [...(options.prefix ?? []), Deno.execPath()];
  const command = new Deno.Command(cmd!, {
    args: [
      ...pre,
      "run",
      "--allow-all",
      ...(options.denoFlags ?? []),
      options.entry ?? MAIN,
      "daemon",
      ...(options.args ?? ["--dev"]),
      "--state-dir",
      stateDir,
      "--http",
      "127.0.0.1:0",
    ],
    env: { PLUGD_SANDBOX: Deno.env.get("PLUGD_SANDBOX") ?? "bwrap", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const process = command.spawn();
  let stderr = "";
  const waiters = new Set<() => void>();
  const decoder = new TextDecoder();
  const pump = (async () => {
    for await (const chunk of process.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      for (const w of waiters) w();
    }
  })();
  const drainStdout = process.stdout.pipeTo(new WritableStream());
  const status = process.status;
  let exited = false;
  let reaped = false; // the process is gone (signals would throw), even if its stderr is not read yet
  status.then(() => (reaped = true));
  // Exited only once its last stderr line is read too: a message written just before exiting
  // (e.g. why it refused to start) must be in `stderr` when waiters see the exit.
  Promise.all([status, pump.catch(() => {})]).then(() => {
    exited = true;
    for (const w of waiters) w();
  });

  const waitForLog = (text: string | RegExp, timeoutMs = 90_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = typeof text === "string" ? stderr.includes(text) : text.test(stderr);
        if (found) {
          done();
          resolve();
        } else if (exited) {
          done();
          reject(new Error(`daemon exited before logging ${text}:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${text} in daemon log:\n${stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  await waitForLog(/listening on unix:/, options.readyTimeoutMs ?? 90_000);
  const listening = /listening on (https?):\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
  const port = Number(listening?.[2]);
  const token = (await Deno.readTextFile(join(stateDir, "admin.token"))).trim();
  const baseUrl = `${listening?.[1] ?? "http"}://127.0.0.1:${port}`;
  const socketClient = Deno.createHttpClient({ proxy: { transport: "unix", path: socketPath } });

  let finished = false;
  const finish = async () => {
    await Promise.allSettled([pump, drainStdout]);
    if (!finished) {
      socketClient.close(); // stop() then dispose: close once
      // A killed daemon leaves its cgroup folders behind, and every cpu quota write on the host
      // walks all of them: the test removes them (a stopped daemon already did). Bounded: after
      // heavy socket load Deno 2.9 may never resolve async ops on its blocking pool (the bench's
      // groups hung here), and tidying must not hang the caller.
      const release = (async () => {
        const instance = await cgroupInstance(stateDir);
        await releaseResourceCaps(await detectResourceCaps({ instance, create: false }));
      })().catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      const giveUp = new Promise<void>((resolve) => timer = setTimeout(resolve, 5000));
      await Promise.race([release, giveUp]);
      clearTimeout(timer);
    }
    finished = true;
  };
  const daemon: TestDaemon = {
    process,
    stateDir,
    socketPath,
    port,
    baseUrl,
    token,
    log: () => stderr,
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
      return fetch(`${baseUrl}${path}`, { ...init, headers });
    },
    fetchSocket: (path, init = {}) =>
      fetch(`http://plugd${path}`, { ...init, client: socketClient }),
    waitForLog,
    stop: async () => {
      if (!reaped) process.kill("SIGTERM");
      const { code } = await status;
      await finish();
      return code;
    },
    kill: async () => {
      if (!reaped) process.kill("SIGKILL");
      await status;
      await finish();
    },
    [Symbol.asyncDispose]: async () => {
      if (!reaped) process.kill("SIGKILL");
      await status;
      await finish();
    },
  };
  return daemon;
}
