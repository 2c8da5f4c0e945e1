/**
 * Every fetch from a registry goes through here: the body is counted while it streams (a
 * 300 MiB answer is cut off at the limit, never buffered first) and the exchange has time
 * limits (a registry that never answers fails with a clear error instead of hanging).
 */
import { RegistryError } from "./types.ts";

/** Default time to wait for the response headers, and for each next chunk of the body. */
export const DEFAULT_REGISTRY_TIMEOUT_MS = 10_000;

/** Options of {@link boundedFetch} and {@link boundedStream}. */
export interface BoundedFetchOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Longest wait for the headers, and between two chunks of the body. @default 10000 */
  timeoutMs?: number;
  /** Longest time for the whole exchange. @default 10 × timeoutMs */
  deadlineMs?: number;
  /** What is fetched, for messages, e.g. "the registry index". @default "the registry" */
  what?: string;
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit;
  /** Statuses returned instead of thrown (e.g. 304, 404). @default [] */
  passStatuses?: number[];
}

/** A response whose body was read within the limits. */
export interface BoundedResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/**
 * Fetches `url` and reads the whole body into memory, refusing more than `maxBytes` as it
 * streams. Throws RegistryError: `registry_timeout`, `too_large`, `registry_unreachable`,
 * `registry_http` (a non-2xx status not listed in `passStatuses`).
 *
 * @example
 * ```ts
 * const { body } = await boundedFetch("https://plugins.example.com/index.json", {
 *   maxBytes: 16 * 1024 * 1024,
 * });
 * ```
 */
export async function boundedFetch(
  url: string,
  options: BoundedFetchOptions,
): Promise<BoundedResponse> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const { status, headers } = await boundedStream(url, options, (chunk) => {
    chunks.push(chunk);
    size += chunk.length;
  });
  const body = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.length;
  }
  return { status, headers, body };
}

/**
 * Fetches `url` and hands each body chunk to `sink` (awaited, so a slow sink slows the read),
 * within the same limits as {@link boundedFetch}.
 */
export async function boundedStream(
  url: string,
  options: BoundedFetchOptions,
  sink: (chunk: Uint8Array) => void | Promise<void>,
): Promise<{ status: number; headers: Headers }> {
  const {
    maxBytes,
    timeoutMs = DEFAULT_REGISTRY_TIMEOUT_MS,
    deadlineMs = timeoutMs * 10,
    what = "the registry",
    passStatuses = [],
  } = options;
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive; got ${maxBytes}`);
  if (!(timeoutMs > 0) || !(deadlineMs > 0)) {
    throw new RangeError("timeoutMs and deadlineMs must be positive");
  }
  const controller = new AbortController();
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = Promise.withResolvers<never>();
  expired.promise.catch(() => {});
  const arm = (ms: number, why: string) => {
    clearTimeout(timer);
    const left = Math.min(ms, deadlineMs - (Date.now() - started));
    timer = setTimeout(() => {
      const error = new RegistryError(
        "registry_timeout",
        `${what} at ${url} ${why}; check that the registry is up and reachable, ` +
          'or remove it from "registries"',
      );
      expired.reject(error);
      controller.abort(error);
    }, Math.max(0, left));
  };
  try {
    arm(timeoutMs, `did not answer within ${seconds(timeoutMs)}`);
    let response: Response;
    try {
      response = await Promise.race([
        fetch(url, {
          method: options.method,
          headers: options.headers,
          body: options.body,
          redirect: "follow",
          signal: controller.signal,
        }),
        expired.promise,
      ]);
    } catch (cause) {
      if (cause instanceof RegistryError) throw cause;
      throw new RegistryError(
        "registry_unreachable",
        `Cannot reach ${what} at ${url}: ${
          (cause as Error).message
        }; check the URL in "registries"`,
        { cause },
      );
    }
    const passed = passStatuses.includes(response.status);
    if (!response.ok && !passed) {
      const detail = await readProblemDetail(response);
      throw new RegistryError(
        "registry_http",
        `${what} at ${url} answered HTTP ${response.status}${detail ? `: ${detail}` : ""}`,
      );
    }
    const declared = Number(response.headers.get("content-length") ?? "");
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(what, url, maxBytes);
    }
    if (response.body) {
      const reader = response.body.getReader();
      let size = 0;
      try {
        for (;;) {
          arm(
            timeoutMs,
            `stopped sending for ${seconds(timeoutMs)} (or took over ${seconds(deadlineMs)})`,
          );
          const next = await Promise.race([reader.read(), expired.promise]);
          if (next.done) break;
          size += next.value.length;
          if (size > maxBytes) throw tooLarge(what, url, maxBytes);
          await sink(next.value);
        }
      } catch (error) {
        await reader.cancel().catch(() => {});
        if (error instanceof RegistryError) throw error;
        throw new RegistryError(
          "registry_unreachable",
          `Reading ${what} from ${url} failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    return { status: response.status, headers: response.headers };
  } finally {
    clearTimeout(timer);
  }
}

function tooLarge(what: string, url: string, maxBytes: number): RegistryError {
  return new RegistryError(
    "too_large",
    `${what} at ${url} is larger than ${formatBytes(maxBytes)}; refused while streaming`,
  );
}

/** The `detail` of a problem+json error body (at most 4 KiB read), else "". */
async function readProblemDetail(response: Response): Promise<string> {
  try {
    const reader = response.body?.getReader();
    if (!reader) return "";
    const first = await reader.read();
    await reader.cancel().catch(() => {});
    const text = new TextDecoder().decode((first.value ?? new Uint8Array()).subarray(0, 4096));
    const detail = JSON.parse(text)?.detail;
    return typeof detail === "string" ? detail : "";
  } catch {
    return "";
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0 ? `${n / 1024 / 1024} MiB` : `${n} bytes`;
}
