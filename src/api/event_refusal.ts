/**
 * One CloudEvent from a request body, validated; a bad one becomes the HTTP refusal the API
 * answers: 400 with its problems, 403 for a reserved type. Shared by the single and the batched
 * intake of `POST /v1/events`.
 */
import {
  type CloudEvent,
  EventValidationError,
  ReservedEventTypeError,
  validateCloudEvent,
} from "../hooks/mod.ts";
import { HttpError } from "./problem.ts";

/** Validates `input`; `index` names an event of a batch (the refusal then says which). */
export function eventOrRefusal(input: unknown, index?: number): CloudEvent {
  try {
    return validateCloudEvent(input);
  } catch (error) {
    const at = index === undefined ? "" : `Event ${index} of the batch: `;
    const where = index === undefined ? {} : { index };
    if (error instanceof EventValidationError) {
      const batch = index === undefined ? "" : "; the batch was not accepted";
      throw new HttpError(400, `${at}${error.message}${batch}`, {
        extra: { ...where, problems: error.problems },
      });
    }
    if (error instanceof ReservedEventTypeError) {
      throw new HttpError(403, `${at}${error.message}`, { extra: where });
    }
    throw error;
  }
}
