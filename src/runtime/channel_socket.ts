/**
 * The host end of a plugin's protocol socket: listened on before the spawn, it accepts exactly one
 * connection, then closes and removes itself (nothing is left to connect to), and that connection
 * must first present the launch's nonce, which only the process started with it was told (on its
 * stdin). Deno exposes no peer credentials (SO_PEERCRED), so the nonce is the proof.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

/**
 * Reads the nonce line: exactly `length` bytes and a newline (frames follow it on the same
 * connection, so nothing past the newline is read here).
 */
async function firstLine(conn: Deno.UnixConn, length: number): Promise<string | undefined> {
  const buf = new Uint8Array(length + 1);
  let size = 0;
  while (size < buf.byteLength) {
    const n = await conn.read(buf.subarray(size));
    if (n === null) return undefined;
    if (buf.subarray(size, size + n).includes(10) && buf[length] !== 10) return undefined; // short
    size += n;
  }
  return buf[length] === 10 ? decoder.decode(buf.subarray(0, length)) : undefined;
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
  // No removal up front: where there is nothing to remove (every start but the first after a
  // killed daemon), the failed call's error object was a cost on each start's path.
  const listener = listenOver(path);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    listener.close(); // Deno removes the socket's path as it closes a Unix listener
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
    const line = await firstLine(conn, nonce.length).catch(() => undefined);
    if (line === undefined || !sameText(line, nonce)) {
      conn.close();
      throw new Error("the connection to the protocol socket did not present this launch's nonce");
    }
    return conn;
  })();
  connection.catch(() => {}); // the caller may be gone before anyone connects
  return { nonce, connection, close };
}

/** Listens at `path`, replacing a socket a killed daemon left there. */
function listenOver(path: string): Deno.UnixListener {
  try {
    return Deno.listen({ transport: "unix", path });
  } catch (e) {
    if (!(e instanceof Deno.errors.AddrInUse)) throw e;
  }
  Deno.removeSync(path);
  return Deno.listen({ transport: "unix", path });
}
