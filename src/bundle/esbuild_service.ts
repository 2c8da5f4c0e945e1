/**
 * esbuild's service process, shared by every bundle of this process (npm dependencies at pack
 * time, the plugin runtime module at prepare time) and stopped only when no build is running:
 * a daemon that bundles once does not keep the process, and one caller's stop never fails
 * another's build in flight (the next build starts the service again).
 */
import type * as Esbuild from "esbuild";

let loaded: typeof Esbuild | undefined;
let running = 0;

/** Runs `fn` with esbuild, loaded on the first use: a daemon that never bundles does not hold it. */
export async function withEsbuild<T>(fn: (esbuild: typeof Esbuild) => Promise<T>): Promise<T> {
  running++;
  try {
    return await fn(loaded ??= await import("esbuild"));
  } finally {
    running--;
  }
}

/** Stops esbuild's service process unless a build is running (call when done bundling). */
export async function stopBundler(): Promise<void> {
  if (running === 0) await loaded?.stop();
}
