/**
 * CloudEvents' batched content mode on `POST /v1/events`: a body of
 * `Content-Type: application/cloudevents-batch+json` is a JSON array of events, each validated
 * and persisted exactly as a single one, all of them in one atomic commit before the 202.
 */
import type { Context } from "hono";
import type { CloudEvent, HookBus } from "../hooks/mod.ts";
import { eventOrRefusal } from "./event_refusal.ts";
import { HttpError } from "./problem.ts";
import { readJsonValue } from "./read_json.ts";
import type { ApiEnv } from "./types.ts";

/** The media type of a batch (CloudEvents JSON format, "batched content mode"). */
export const BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";

/** Most events in one batch (the 1 MiB body limit applies as well). */
export const MAX_BATCH_EVENTS = 1000;

/** Whether a request's `content-type` names the batched mode (parameters allowed). */
export function isEventBatch(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(";", 1)[0]!.trim().toLowerCase() === BATCH_MEDIA_TYPE;
}

/** What a batch answers (202): the events' ids in the order sent, and those already accepted. */
export interface BatchAnswer {
  ids: string[];
  /** Ids accepted before (or twice in this batch): not stored or delivered again. */
  duplicates: string[];
}

/**
 * Handles a batch: refuses it whole, naming the event's index, when any event is bad; counts
 * each event against the caller's rate limit; answers once every event is stored.
 */
export async function emitEventBatch(
  c: Context<ApiEnv>,
  bus: Pick<HookBus, "emitBatch">,
  fleet: boolean,
): Promise<Response> {
  if (c.req.query("wait") === "true") {
    throw new HttpError(
      400,
      "wait=true is not available for a batch: send the event alone to wait for its results, " +
        "or read each event's results with GET /v1/events/{id}",
    );
  }
  const hint = `a JSON array of CloudEvents (${BATCH_MEDIA_TYPE})`;
  const body = await readJsonValue(c.req.raw, { hint });
  if (!Array.isArray(body)) {
    throw new HttpError(400, `A ${BATCH_MEDIA_TYPE} body must be ${hint}`);
  }
  if (body.length === 0) throw new HttpError(400, "The batch is empty; send at least one event");
  if (body.length > MAX_BATCH_EVENTS) {
    throw new HttpError(
      413,
      `A batch holds at most ${MAX_BATCH_EVENTS} events; this one has ${body.length}: ` +
        "split it into several requests",
      { extra: { max_events: MAX_BATCH_EVENTS } },
    );
  }
  const events = body.map((input, index) => ({
    event: validated(input, index, fleet),
    idGenerated: (input as { id?: unknown }).id === undefined,
  }));
  c.get("rateCharge")?.(events.length - 1);
  const accepted = await bus.emitBatch(events);
  const answer: BatchAnswer = {
    ids: accepted.map((a) => a.id),
    duplicates: accepted.filter((a) => a.duplicate).map((a) => a.id),
  };
  return c.json(answer, 202);
}

function validated(input: unknown, index: number, fleet: boolean): CloudEvent {
  const event = eventOrRefusal(input, index);
  if (fleet && event.scope === "fleet") {
    throw new HttpError(
      400,
      `Event ${index} of the batch has scope: fleet; fleet events are not taken in batches: ` +
        "send each alone",
      { extra: { index } },
    );
  }
  return event;
}
