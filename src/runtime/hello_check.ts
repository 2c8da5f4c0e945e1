/** Whether a plugin's `hello` frame is acceptable: its protocol, its SDK, its handlers. */
import { type ChildFrame, compareHandlers, type HandlerSet, PROTOCOL_VERSION } from "./protocol.ts";
import { sdkProblem } from "./sdk_compat.ts";

/** Why a `hello` is refused: the `PluginStartError` reason and its message. */
export interface HelloProblem {
  reason: "protocol" | "sdk" | "handlers";
  message: string;
}

/**
 * The first reason to refuse `hello` (a protocol other than this plugd's, an SDK it cannot serve,
 * handlers that differ from the manifest's), or `null` when the plugin may go on to `init`.
 *
 * @example
 * ```ts
 * helloProblem({ t: "hello", protocol: 99, sdk: "0.1.0", handlers }, handlers)?.reason; // "protocol"
 * ```
 */
export function helloProblem(
  hello: Extract<ChildFrame, { t: "hello" }>,
  expected: HandlerSet,
): HelloProblem | null {
  if (hello.protocol !== PROTOCOL_VERSION) {
    return {
      reason: "protocol",
      message: `it speaks protocol ${hello.protocol} (SDK ${hello.sdk}) but this plugd speaks ` +
        `${PROTOCOL_VERSION}; rebuild the plugin against a matching @plugd/sdk`,
    };
  }
  const sdk = sdkProblem(hello.sdk);
  if (sdk) return { reason: "sdk", message: sdk };
  const problems = compareHandlers(expected, hello.handlers);
  return problems.length > 0 ? { reason: "handlers", message: problems.join("; ") } : null;
}
