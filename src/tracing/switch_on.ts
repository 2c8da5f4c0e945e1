/**
 * Tracing switched on by `OTEL_EXPORTER_OTLP_ENDPOINT` alone. Deno's OpenTelemetry starts only
 * when `OTEL_DENO=true` is in the environment at process start, so when the daemon finds an
 * endpoint and no `OTEL_DENO`, it replaces itself with the same command line plus
 * `OTEL_DENO=true` (`execve`: the same process, pid and open standard streams, before any lock,
 * listener or database is opened). `OTEL_DENO` set to anything else (e.g. `false`) keeps it off.
 */

/** The modules that run plugd: the checkout's main.ts and the bundle `deno task build` writes. */
const PLUGD_MAINS = ["../../main.ts", "../../dist/plugd.js"].map((path) =>
  new URL(path, import.meta.url).href
);

/** Why switching on failed (shown by `tracingStatus()`), or null. */
let failure: string | null = null;

/** Why the endpoint could not switch tracing on, or null. */
export function switchOnFailure(): string | null {
  return failure;
}

/** The OTLP endpoint the environment names for traces, if any. */
export function otlpEndpoint(env: Record<string, string | undefined>): string | undefined {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
}

/**
 * Re-executes the daemon with `OTEL_DENO=true` when `env` names an OTLP endpoint and leaves
 * `OTEL_DENO` unset. Returns only when nothing was to be done or it failed (the reason is kept
 * for the start-up log; the daemon then runs untraced). Only in the plugd process itself
 * (`main.ts` or the built `dist/plugd.js` is the main module), never in a test runner that
 * calls the command in-process.
 */
export function switchOnTracing(env: Record<string, string | undefined>): void {
  if (env.OTEL_DENO !== undefined || !otlpEndpoint(env)) return;
  if (!PLUGD_MAINS.includes(Deno.mainModule)) return;
  try {
    execve(Deno.execPath(), commandLine(), { ...Deno.env.toObject(), OTEL_DENO: "true" });
  } catch (error) {
    failure = (error as Error).message;
  }
}

/** This process's argv as the kernel has it (the runtime's flags included). */
function commandLine(): string[] {
  const raw = new TextDecoder().decode(Deno.readFileSync("/proc/self/cmdline"));
  return raw.split("\0").slice(0, -1);
}

/** `execve(2)` through libc; throws (instead of returning) when it cannot. */
function execve(path: string, argv: string[], env: Record<string, string>): never {
  let libc;
  try {
    libc = Deno.dlopen("libc.so.6", {
      execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
    });
  } catch (error) {
    throw new Error(
      `cannot restart with OTEL_DENO=true (${(error as Error).message}); the daemon needs ` +
        `--allow-ffi for that, or set OTEL_DENO=true yourself`,
      { cause: error },
    );
  }
  const encoder = new TextEncoder();
  const cString = (s: string) => encoder.encode(`${s}\0`);
  // NULL-terminated arrays of pointers; the strings stay referenced until the call returns.
  const pointers = (items: Uint8Array[]) => {
    const table = new BigUint64Array(items.length + 1);
    items.forEach((item, i) => {
      table[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(item)));
    });
    return new Uint8Array(table.buffer);
  };
  const args = argv.map(cString);
  const vars = Object.entries(env).map(([k, v]) => cString(`${k}=${v}`));
  libc.symbols.execve(cString(path), pointers(args), pointers(vars));
  libc.close();
  throw new Error(`cannot restart with OTEL_DENO=true: execve(${path}) failed`);
}
