/**
 * The host end of a plugin's protocol socket: listened on before the spawn, it accepts exactly one
 * connection, then closes and removes itself (nothing is left to connect to), and that connection
 * must first present the launch's nonce, which only the process started with it was told (on its
 * stdin). Deno exposes no peer credentials (SO_PEERCRED), so the nonce is the proof.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Longest first line accepted: the nonce (64 hex digits) and its newline. */
const MAX_NONCE_LINE = 128;

/** A listening channel socket of one launch. */
export interface ChannelSocket {
  /** This launch's nonce, to be written to the child's stdin (one line). */
  readonly nonce: string;
  /**
   * Resolves with the first connection once it presented the nonce; rejects when it did not (it
   * is closed), or when the socket was closed before anyone connected.
   */
  readonly connection: Promise<Deno.UnixConn>;
  /** Stops listening and removes the socket file (idempotent). */
  close(): void;
}

function randomNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Reads the first line of `conn` (at most {@linkcode MAX_NONCE_LINE} bytes, no byte after it). */
async function firstLine(conn: Deno.UnixConn): Promise<string | undefined> {
  const buf = new Uint8Array(MAX_NONCE_LINE);
  let size = 0;
  while (size < buf.byteLength) {
    const n = await conn.read(buf.subarray(size));
    if (n === null) return undefined;
    size += n;
    const nl = buf.subarray(0, size).indexOf(10);
    if (nl !== -1) return nl === size - 1 ? decoder.decode(buf.subarray(0, nl)) : undefined;
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length && i < y.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** Options of {@linkcode listenChannel}. */
export interface ListenChannelOptions {
  /** The socket file's mode. @default 0o600 */
  mode?: number;
  /** The uid (and gid) the socket is handed to. @default the daemon's */
  owner?: number;
}

/**
 * Listens at `path`. The socket's folder must be one only the daemon and the plugin's uid can
 * enter; the socket is bound into the plugin's sandbox by path.
 *
 * @example
 * ```ts
 * const socket = listenChannel("/var/lib/plugd/launch/hello.sock");
 * // spawn, write `${socket.nonce}\n` to the child's stdin, then:
 * const conn = await socket.connection;
 * ```
 */
export function listenChannel(
  path: string,
  options: ListenChannelOptions = {},
): ChannelSocket {
  const { mode = 0o600, owner } = options;
  // Sync calls, as for the cgroup files: metadata work, where an async call is a hop to a
  // blocking-pool thread and back that a loaded machine delays.
  try {
    Deno.removeSync(path); // a socket left by a daemon that was killed
  } catch { /* none */ }
  const listener = Deno.listen({ transport: "unix", path });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    listener.close();
    try {
      Deno.removeSync(path);
    } catch { /* already gone */ }
  };
  try {
    Deno.chmodSync(path, mode);
    if (owner !== undefined) Deno.chownSync(path, owner, owner);
  } catch (e) {
    close();
    throw e;
  }
  const nonce = randomNonce();
  const connection = (async () => {
    let conn: Deno.UnixConn;
    try {
      conn = await listener.accept();
    } catch (e) {
      throw new Error("the plugin never connected to its protocol socket", { cause: e });
    } finally {
      close(); // one connection per launch: a second one finds nothing to connect to
    }
    const line = await firstLine(conn).catch(() => undefined);
    if (line === undefined || !sameText(line, nonce)) {
      conn.close();
      throw new Error("the connection to the protocol socket did not present this launch's nonce");
    }
    return conn;
  })();
  connection.catch(() => {}); // the caller may be gone before anyone connects
  return { nonce, connection, close };
}
