/**
 * `POST /v1/events` with one event (a JSON object): read, validated, taken into the fleet or the
 * hook bus. Shared by the Hono route (every transport) and the socket's fast path
 * (`socket_fast_path.ts`), so both answer alike.
 */
import type { HookBus } from "../hooks/mod.ts";
import { BATCH_MEDIA_TYPE, isEventBatch } from "./event_batch.ts";
import { eventOrRefusal } from "./event_refusal.ts";
import { HttpError } from "./problem.ts";
import { readJsonValue } from "./read_json.ts";
import type { SocketRoute } from "./socket_fast_path.ts";

/** What accepting one event needs. */
export interface EventPostDeps {
  bus: Pick<HookBus, "emit">;
  /** As `HookRouteDeps.fleetEmit`. */
  fleetEmit?: ((event: Record<string, unknown>) => Promise<{ id: string }>) | null;
}

/** The answer to one accepted event: 200 with results (`wait`), else 202. */
export interface EventPostAnswer {
  status: 200 | 202;
  body: unknown;
}

/**
 * Accepts the single event in `request`'s body; `wait` is the `wait=true` query. Refusals throw
 * `HttpError` (400, 403) or the bus's errors (503, 507), which become problem+json.
 */
export async function postEvent(
  request: Request,
  deps: EventPostDeps,
  wait: boolean,
): Promise<EventPostAnswer> {
  const value = await readJsonValue(request);
  if (Array.isArray(value)) {
    throw new HttpError(
      400,
      `A JSON array is a batch of events: send it with Content-Type: ${BATCH_MEDIA_TYPE}, ` +
        "or send one event as a JSON object",
    );
  }
  const body = value as Record<string, unknown>;
  const event = eventOrRefusal(body);
  if (event.scope === "fleet" && deps.fleetEmit) {
    if (wait) {
      throw new HttpError(
        400,
        "wait=true is not available for fleet events (scope: fleet): they are delivered on " +
          "every host; read the results with GET /v1/events/{id} on each host",
      );
    }
    return { status: 202, body: { ...(await deps.fleetEmit(event)), scope: "fleet" } };
  }
  // An event sent without an id got a fresh one: nothing stored can have it.
  const result = await deps.bus.emit(event, { wait, idGenerated: body.id === undefined });
  return { status: wait ? 200 : 202, body: result };
}

/**
 * `POST /v1/events` with one event, served by the Unix socket without Hono's middleware
 * (`socket_fast_path.ts`); batches go through the Hono route.
 */
export function eventSocketRoute(deps: EventPostDeps): SocketRoute {
  return {
    method: "POST",
    path: "/v1/events",
    takes: (request) => !isEventBatch(request.headers.get("content-type") ?? undefined),
    answer: (request, query) => postEvent(request, deps, query.get("wait") === "true"),
  };
}
