/**
 * One database process and its request queue: started on first use, one request in flight,
 * killed when a request overruns its time limit (SQLite's journal makes the kill safe), stopped
 * when idle.
 */
import { dbHostCommand, type DbSandbox } from "./db_command.ts";
import type { DbRequest, DbResponse } from "./db_wire.ts";
import { DbError, DbTimeoutError } from "./errors.ts";

/** What a database process opens and how it is bounded. */
export interface DbProcessOptions {
  sandbox: DbSandbox;
  /** Folder of the database file (the only writable mount). */
  dir: string;
  /** The database file inside `dir`. */
  file: string;
  quotaBytes: number;
  /** SQLite's `hard_heap_limit` for the process. */
  heapBytes: number;
  /** Largest result of one statement, in JSON bytes. */
  resultBytes: number;
  /** Stop the process after this long without requests; 0 = never. */
  idleStopMs: number;
  /** Lines the process wrote to stderr (libSQL warnings, crashes). */
  onStderr?: (line: string) => void;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Body = DbRequest extends infer R ? R extends unknown ? Omit<R, "id"> : never : never;

/** A database process for one database file. */
export class DbProcess implements AsyncDisposable {
  #o: DbProcessOptions;
  #child: Deno.ChildProcess | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #queue: Promise<unknown> = Promise.resolve();
  #idle: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #held = 0;

  constructor(options: DbProcessOptions) {
    this.#o = options;
  }

  /** Whether the process is running now. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Sends `body` after every earlier request; rejects with its error, or on timeout. */
  request<T>(body: Body, timeoutMs: number): Promise<T> {
    const next = this.#queue.then(() => this.#send(body, timeoutMs));
    this.#queue = next.catch(() => {});
    return next as Promise<T>;
  }

  async #send(body: Body, timeoutMs: number): Promise<unknown> {
    if (this.#closed) throw new DbError("the database is closed");
    clearTimeout(this.#idle);
    await this.#start();
    const id = this.#nextId++;
    const done = new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new DbTimeoutError(
            `the statement ran longer than ${timeoutMs} ms and was stopped; add an index, a ` +
              "LIMIT, or split the work",
          ),
        );
      }, timeoutMs);
    });
    try {
      await this.#writer!.write(new TextEncoder().encode(JSON.stringify({ ...body, id }) + "\n"));
      return await Promise.race([done, expired]);
    } catch (error) {
      // A request that timed out (or a broken pipe) leaves the process in an unknown state.
      if (error instanceof DbTimeoutError || !(error instanceof DbError)) await this.#kill();
      throw error;
    } finally {
      clearTimeout(timer);
      this.#pending.delete(id);
      if (this.#o.idleStopMs > 0 && this.#child && this.#held === 0) {
        this.#idle = setTimeout(() => void this.stop(), this.#o.idleStopMs);
      }
    }
  }

  async #start(): Promise<void> {
    if (this.#child) return;
    await Deno.mkdir(this.#o.dir, { recursive: true, mode: 0o700 });
    const [program, ...args] = dbHostCommand(this.#o.sandbox, this.#o.dir);
    const child = new Deno.Command(program!, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { SQLITE_TMPDIR: this.#o.dir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    void this.#read(child);
    void this.#readErr(child);
    void child.status.then(() => this.#exited(child));
    const open: Body = {
      op: "open",
      path: `${this.#o.dir}/${this.#o.file}`,
      quotaBytes: this.#o.quotaBytes,
      heapBytes: this.#o.heapBytes,
      resultBytes: this.#o.resultBytes,
    };
    const id = this.#nextId++;
    const opened = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    await this.#writer.write(new TextEncoder().encode(JSON.stringify({ ...open, id }) + "\n"));
    try {
      await opened;
    } finally {
      this.#pending.delete(id);
    }
  }

  async #read(child: Deno.ChildProcess): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of child.stdout) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf("\n")) !== -1) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          const frame = JSON.parse(line) as DbResponse;
          const p = this.#pending.get(frame.id);
          if (!p) continue;
          if (frame.ok) p.resolve(frame.value);
          else p.reject(new DbError(frame.error.message, frame.error.name, frame.error.code));
        }
      }
    } catch {
      // the process was killed mid-line
    }
  }

  async #readErr(child: Deno.ChildProcess): Promise<void> {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      for (const line of chunk.split("\n")) if (line.trim()) this.#o.onStderr?.(line);
    }
  }

  #exited(child: Deno.ChildProcess): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.#writer = undefined;
    for (const p of this.#pending.values()) {
      p.reject(new DbError("the database process exited; the statement did not complete"));
    }
    this.#pending.clear();
  }

  async #kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    this.#exited(child);
  }

  /** Keeps the process from stopping when idle (an open transaction) until `release()`. */
  hold(): void {
    this.#held++;
    clearTimeout(this.#idle);
  }

  /** Ends one `hold()`. */
  release(): void {
    this.#held = Math.max(0, this.#held - 1);
  }

  /** Stops the process gracefully (closes its stdin), killing it after a second. */
  async stop(): Promise<void> {
    clearTimeout(this.#idle);
    const child = this.#child;
    if (!child) return;
    await this.#writer?.close().catch(() => {});
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* exited meanwhile */ }
    }, 1000);
    await child.status;
    clearTimeout(timer);
    this.#exited(child);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    await this.stop();
  }
}
