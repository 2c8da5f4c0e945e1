/** Attaching to a fleet stream or queue once NATS is up, tried again until the session ends. */

/** Options of {@linkcode attachWithRetry}. */
export interface AttachRetry {
  /** The session: aborted when NATS goes away (the next session attaches again). */
  signal: AbortSignal;
  log: (message: string) => void;
  /** Wait between tries. */
  delayMs: number;
}

/** Runs `attach` until it succeeds or the session ends; each failure is logged naming `what`. */
export async function attachWithRetry(
  what: string,
  attach: () => Promise<void>,
  o: AttachRetry,
): Promise<void> {
  while (!o.signal.aborted) {
    try {
      return await attach();
    } catch (error) {
      o.log(`fleet: cannot attach to ${what}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, o.delayMs));
    }
  }
}
