/**
 * Tracing through Deno's built-in OpenTelemetry (`OTEL_DENO=true`): spans made with
 * `@opentelemetry/api` join the HTTP server span Deno opens for each request and are exported
 * over OTLP by the runtime. Off, every helper here is a no-op that allocates nothing.
 */
import type { Attributes, Context, Span } from "@opentelemetry/api";
import { VERSION } from "../version.ts";
import { otlpEndpoint, switchOnFailure } from "./switch_on.ts";

export type { Context, Span };

function envFlag(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env for it: off
  }
}

/** Whether Deno's OpenTelemetry export is on for this process (read once, at load). */
export const TRACING: boolean = ["true", "1"].includes(envFlag("OTEL_DENO") ?? "");

// The API is loaded only when tracing is on: a daemon without it does not hold its 48 modules.
const api = TRACING ? await import("@opentelemetry/api") : null;
const tracer = api?.trace.getTracer("plugd", VERSION);
/** `SpanStatusCode.ERROR` of the API (a stable protocol value). */
const STATUS_ERROR = 2;

/** The context to parent later spans on (the current request's span), or undefined when off. */
export function activeContext(): Context | undefined {
  return api?.context.active();
}

/** Starts a span under `parent` (default: the active context); undefined when tracing is off. */
export function startSpan(
  name: string,
  attributes: Attributes,
  parent?: Context,
): Span | undefined {
  if (!api || !tracer) return undefined;
  return tracer.startSpan(name, { attributes }, parent ?? api.context.active());
}

/** The context whose active span is `span` (to parent children on), or `parent` when off. */
export function contextWith(span: Span | undefined, parent?: Context): Context | undefined {
  if (!span || !api) return parent;
  return api.trace.setSpan(parent ?? api.context.active(), span);
}

/** Runs `fn` with `ctx` as the active context (so spans it starts are children); plain when off. */
export function withContext<T>(ctx: Context | undefined, fn: () => T): T {
  return ctx && api ? api.context.with(ctx, fn) : fn();
}

/** Ends a span, marking it failed with `error`'s message when given. */
export function endSpan(span: Span | undefined, error?: unknown, attributes?: Attributes): void {
  if (!span) return;
  if (attributes) span.setAttributes(attributes);
  if (error !== undefined) {
    span.setStatus({
      code: STATUS_ERROR,
      message: (error as Error)?.message ?? String(error),
    });
  }
  span.end();
}

/**
 * How tracing stands, for the start-up log: on (and where to), off, or off although an
 * endpoint is set (`OTEL_DENO` set to something else, or the switch-on restart failed).
 */
export function tracingStatus(): string {
  const endpoint = otlpEndpoint({
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: envFlag("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
    OTEL_EXPORTER_OTLP_ENDPOINT: envFlag("OTEL_EXPORTER_OTLP_ENDPOINT"),
  });
  if (TRACING) {
    return `tracing on: OTLP ${envFlag("OTEL_EXPORTER_OTLP_PROTOCOL") ?? "http/protobuf"} to ` +
      `${endpoint ?? "http://localhost:4318 (the OTLP default)"}`;
  }
  if (!endpoint) return "tracing off (set OTEL_EXPORTER_OTLP_ENDPOINT to export traces)";
  const otelDeno = envFlag("OTEL_DENO");
  if (otelDeno !== undefined) {
    return `tracing off: OTEL_DENO=${otelDeno} although OTEL_EXPORTER_OTLP_ENDPOINT is set ` +
      `(remove OTEL_DENO, or set it to true, to export traces)`;
  }
  return `WARNING: tracing is OFF although OTEL_EXPORTER_OTLP_ENDPOINT is set: ${
    switchOnFailure() ?? "Deno's OpenTelemetry was not started (set OTEL_DENO=true as well)"
  }`;
}
