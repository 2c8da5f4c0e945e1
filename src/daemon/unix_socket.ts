import { dirname } from "node:path";

/** Thrown when another daemon already serves the socket. */
export class SocketInUseError extends Error {
  override name = "SocketInUseError";
}

/**
 * Makes `path` free for a new listener: a stale socket left by a crash is removed, a live one
 * (something accepts connections) is refused with a clear error, any other file is refused.
 */
export async function claimSocketPath(path: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o750 });
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (!info.isSocket) {
    throw new SocketInUseError(
      `${path} exists and is not a socket; move it away or choose another socket path ` +
        `(--socket, PLUGD_SOCKET or "socket" in plugd.yaml)`,
    );
  }
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
  } catch {
    await Deno.remove(path); // nobody listens: stale from a crash
    return;
  }
  throw new SocketInUseError(
    `Another plugd is already serving ${path}; stop it first, or choose another socket path ` +
      `(--socket, PLUGD_SOCKET or "socket" in plugd.yaml)`,
  );
}

/**
 * Listens on a Unix socket with mode 0660. Deno creates the socket with the umask (0755 under
 * umask 022: nobody else can connect, as connecting needs write permission), then we open it to
 * the group, so there is no window in which it is wider than intended.
 */
export async function listenUnixSocket(path: string): Promise<Deno.UnixListener> {
  await claimSocketPath(path);
  const listener = Deno.listen({ transport: "unix", path });
  await Deno.chmod(path, 0o660);
  return listener;
}
