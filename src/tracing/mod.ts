/** OpenTelemetry tracing of the event path (intake → dispatch → plugin → result). */
export {
  activeContext,
  type Context,
  contextWith,
  endSpan,
  type Span,
  startSpan,
  TRACING,
  tracingStatus,
  withContext,
} from "./tracer.ts";
export { switchOnTracing } from "./switch_on.ts";
