/**
 * One daemon per state dir. Two daemons on one state dir would both run every plugin and both
 * deliver every event; the socket check alone does not stop that when they use different sockets.
 *
 * The lock is an advisory `flock` on `<state>/plugd.lock`: the kernel drops it when the holder
 * exits in any way (SIGKILL and power loss included), so a stale lock never blocks a restart. The
 * file holds the holder's pid, read only to name it in the refusal.
 */
import { join } from "node:path";

/** Thrown when another live daemon holds the state dir. */
export class StateDirLockedError extends Error {
  override name = "StateDirLockedError";
  /** The pid the holder wrote into the lock file, when readable. */
  readonly pid: number | null;
  constructor(message: string, pid: number | null) {
    super(message);
    this.pid = pid;
  }
}

/** A held state-dir lock; dispose (or exit) releases it. */
export interface StateLock extends Disposable {
  readonly path: string;
  release(): void;
}

/** Name of the lock file inside the state dir. */
export const LOCK_FILE = "plugd.lock";

/**
 * Takes the state dir's lock without waiting, or throws {@linkcode StateDirLockedError} naming
 * the pid that holds it and what to do.
 *
 * @example
 * ```ts
 * using lock = await lockStateDir("/var/lib/plugd");
 * ```
 */
export async function lockStateDir(stateDir: string): Promise<StateLock> {
  const path = join(stateDir, LOCK_FILE);
  const file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  let locked = false;
  try {
    locked = await file.tryLock(true);
  } catch (error) {
    file.close();
    throw error;
  }
  if (!locked) {
    file.close();
    const pid = await readPid(path);
    const who = pid ? `pid ${pid}` : "another process";
    throw new StateDirLockedError(
      `Another plugd (${who}) is already using the state dir ${stateDir}; stop it first` +
        (pid ? ` (systemctl stop plugd, or kill ${pid})` : "") +
        `, or give this one another --state-dir / PLUGD_STATE_DIR`,
      pid,
    );
  }
  await file.truncate(0);
  await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      file.unlockSync();
    } finally {
      file.close();
    }
  };
  return { path, release, [Symbol.dispose]: release };
}

async function readPid(path: string): Promise<number | null> {
  try {
    const pid = Number((await Deno.readTextFile(path)).trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
