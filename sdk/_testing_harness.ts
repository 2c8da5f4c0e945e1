/**
 * The plugd test harness as a child process of the test: found (a plugd checkout or install next
 * to this file, `PLUGD_HARNESS`, or `plugd` on the PATH), spawned, and spoken to in NDJSON frames
 * (`_testing_wire.ts`): requests answered by id, events handed to the caller. Private to the SDK.
 * @module
 */
import type { HarnessError, HarnessFrame, HarnessRequest } from "./_testing_wire.ts";

/** The harness's event frames (everything but answers). */
export type HarnessEvent = Extract<HarnessFrame, { ev: string }>;

/** A request as the caller writes it (the id is added). */
export type HarnessCall = Omit<HarnessRequest, "id"> & { op: HarnessRequest["op"] };

/** A running harness process. */
export interface HarnessProcess {
  /** Sends `body` as request `id`; resolves with its answer's value, or rejects with its error. */
  request<T>(body: HarnessCall, id?: number): Promise<T>;
  /** A fresh request id (for a request whose events are expected before its answer). */
  nextId(): number;
  /** Closes the harness's stdin and waits for it to end. */
  close(): Promise<void>;
}

/** The command that starts the plugd test harness. */
function harnessCommand(): string[] {
  const given = Deno.env.get("PLUGD_HARNESS");
  if (given) return JSON.parse(given) as string[];
  const here = new URL(import.meta.url);
  if (here.protocol === "file:") {
    // Loaded from a plugd checkout or install: its harness is next door.
    const root = new URL("../", here);
    const main = new URL("src/harness/main.ts", root);
    try {
      Deno.statSync(main);
      return [
        ownDeno(root),
        "run",
        "--allow-all",
        "--quiet",
        "--cached-only",
        "--frozen",
        `--config=${new URL("deno.json", root).pathname}`,
        main.pathname,
      ];
    } catch { /* not a plugd tree: use the plugd on PATH */ }
  }
  return ["plugd", "plugin", "harness"];
}

/** The Deno an installed plugd carries (`<root>/bin/deno`), else the one running the tests. */
function ownDeno(root: URL): string {
  const bundled = new URL("bin/deno", root);
  try {
    if (Deno.statSync(bundled).isFile) return bundled.pathname;
  } catch { /* a checkout: no bin/ */ }
  return Deno.execPath();
}

function toError(e: HarnessError): Error {
  const error = new Error(e.message);
  error.name = e.name;
  if (e.reason) (error as Error & { reason?: string }).reason = e.reason;
  return error;
}

/**
 * Starts the harness; its events go to `onEvent`. Throws naming the fix when no harness can be
 * started.
 */
export function spawnHarness(onEvent: (event: HarnessEvent) => void): HarnessProcess {
  const [program, ...args] = harnessCommand();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program!, { args, stdin: "piped", stdout: "piped", stderr: "inherit" })
      .spawn();
  } catch (error) {
    throw new Error(
      `Cannot start the plugd test harness (${program}: ${(error as Error).message}); run the ` +
        'tests with "plugd plugin test <dir>", or put plugd on the PATH',
      { cause: error },
    );
  }
  const writer = child.stdin.getWriter();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const onFrame = (f: HarnessFrame) => {
    if ("ev" in f) return onEvent(f);
    const p = pending.get(f.id);
    if (!p) return;
    pending.delete(f.id);
    if (f.ok) p.resolve(f.value);
    else p.reject(toError(f.error));
  };
  const reading = (async () => {
    let buffered = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line) onFrame(JSON.parse(line) as HarnessFrame);
      }
    }
    for (const p of pending.values()) p.reject(new Error("the plugd test harness exited"));
    pending.clear();
  })();
  return {
    request<T>(body: HarnessCall, id = nextId++): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        writer.write(new TextEncoder().encode(JSON.stringify({ ...body, id }) + "\n")).catch(
          reject,
        );
      });
    },
    nextId: () => nextId++,
    async close() {
      await writer.close().catch(() => {});
      await reading.catch(() => {});
      await child.status;
    },
  };
}
