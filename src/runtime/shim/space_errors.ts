/**
 * "No space left" errors that name the limit, inside the plugin too: Deno's file-writing calls are
 * wrapped so that when `$DATA` (a volume of its own) or `$TMP` (a tmpfs) is full, the error the
 * plugin catches says how much it may store. Only the message changes; the class stays.
 */
import { spaceHint } from "./wire_error.ts";

type Fn = (...args: unknown[]) => unknown;

function explain(error: unknown): never {
  if (error instanceof Error) {
    try {
      error.message = spaceHint(error.message);
    } catch { /* a frozen error keeps its message */ }
  }
  throw error;
}

function wrap(target: Record<string, unknown>, name: string): void {
  const original = target[name];
  if (typeof original !== "function") return;
  const fn = original as Fn;
  target[name] = name.endsWith("Sync")
    ? function (this: unknown, ...args: unknown[]) {
      try {
        return fn.apply(this, args);
      } catch (error) {
        explain(error);
      }
    }
    : async function (this: unknown, ...args: unknown[]) {
      try {
        return await fn.apply(this, args);
      } catch (error) {
        explain(error);
      }
    };
}

let installed = false;

/** Wraps the calls that can fill a file system (once). */
export function installSpaceHints(): void {
  if (installed) return;
  installed = true;
  const deno = Deno as unknown as Record<string, unknown>;
  for (
    const name of ["writeFile", "writeTextFile", "copyFile", "mkdir", "truncate", "rename", "link"]
  ) {
    wrap(deno, name);
    wrap(deno, `${name}Sync`);
  }
  const file = Deno.FsFile.prototype as unknown as Record<string, unknown>;
  for (const name of ["write", "writeSync", "truncate", "truncateSync"]) wrap(file, name);
}
