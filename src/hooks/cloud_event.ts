/** Validation of incoming CloudEvents 1.0 structured-mode envelopes (SPEC §7). */
import { isEventType } from "../manifest/mod.ts";
import { type EnvelopeProblem, EventValidationError, ReservedEventTypeError } from "./errors.ts";
import { newEventId } from "./event_id.ts";
import type { CloudEvent } from "./types.ts";

/** Event ids: 1–128 printable ASCII characters without spaces. */
const ID = /^[\x21-\x7e]{1,128}$/;
/** CloudEvents extension attribute names: lowercase letters and digits, ≤ 20 characters. */
const EXTENSION = /^[a-z0-9]{1,20}$/;
const CORE = new Set(["specversion", "id", "source", "type", "time", "datacontenttype", "data"]);
const TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** Whether `text` is an RFC 3339 timestamp naming a real instant (no month 13, no 25:61). */
export function isRfc3339(text: string): boolean {
  const m = TIME.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return offsetOk && date.getUTCFullYear() === y && date.getUTCMonth() === mo! - 1 &&
    date.getUTCDate() === d && date.getUTCHours() === h && date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
}

/**
 * Checks an envelope and returns the event to store: `id` generated (a ULID) when absent,
 * `time` set to now when absent, `datacontenttype` always `application/json`.
 * Throws `EventValidationError` listing every problem, `ReservedEventTypeError` for `plugin.*`.
 *
 * @example
 * ```ts
 * validateCloudEvent({ specversion: "1.0", source: "/deployer", type: "deployment.post_create" });
 * ```
 */
export function validateCloudEvent(input: unknown): CloudEvent {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new EventValidationError([{
      field: "(body)",
      message: "must be a CloudEvents JSON object",
    }]);
  }
  const v = input as Record<string, unknown>;
  const p: EnvelopeProblem[] = [];
  if (v.specversion !== "1.0") {
    p.push({
      field: "specversion",
      message: `must be "1.0"; got ${JSON.stringify(v.specversion)}`,
    });
  }
  if (v.id !== undefined && (typeof v.id !== "string" || !ID.test(v.id))) {
    p.push({
      field: "id",
      message: "must be 1-128 printable ASCII characters without spaces (or omit it)",
    });
  }
  if (typeof v.source !== "string" || v.source === "" || v.source.length > 1024) {
    p.push({ field: "source", message: 'is required: a URI-reference such as "/deployer"' });
  }
  if (v.type === undefined) {
    p.push({ field: "type", message: 'is required, e.g. "deployment.post_create"' });
  } else if (!isEventType(v.type)) {
    p.push({
      field: "type",
      message: "must be lowercase dotted segments of a-z, 0-9 and _ (like deployment.post_create)",
    });
  }
  if (v.time !== undefined && (typeof v.time !== "string" || !isRfc3339(v.time))) {
    p.push({ field: "time", message: 'must be an RFC 3339 timestamp like "2026-11-22T10:00:00Z"' });
  }
  if (
    v.datacontenttype !== undefined &&
    (typeof v.datacontenttype !== "string" ||
      !/^application\/json\s*(;.*)?$/i.test(v.datacontenttype))
  ) {
    p.push({
      field: "datacontenttype",
      message: 'only "application/json" is accepted; send data as JSON',
    });
  }
  if ("data_base64" in v) {
    p.push({ field: "data_base64", message: "binary data is not accepted; send JSON in data" });
  }
  const extensions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    if (CORE.has(key) || key === "data_base64") continue;
    if (!EXTENSION.test(key)) {
      p.push({
        field: key,
        message: "extension attribute names are 1-20 lowercase letters or digits",
      });
    } else if (!["string", "number", "boolean"].includes(typeof value)) {
      p.push({ field: key, message: "extension attributes must be a string, number or boolean" });
    } else extensions[key] = value;
  }
  if (p.length > 0) throw new EventValidationError(p);
  const type = v.type as string;
  if (type === "plugin" || type.startsWith("plugin.")) {
    throw new ReservedEventTypeError(
      `Event type "${type}" is reserved: plugin.* events are emitted only by the daemon; ` +
        "choose another type",
    );
  }
  return {
    ...extensions,
    specversion: "1.0",
    id: (v.id as string | undefined) ?? newEventId(),
    source: v.source as string,
    type,
    time: (v.time as string | undefined) ?? new Date().toISOString(),
    datacontenttype: "application/json",
    data: v.data ?? null,
  };
}

/** An event the daemon emits itself (`plugin.*`, or a plugin's `ctx.emit`): fresh id, now. */
export function daemonEnvelope(source: string, type: string, data: unknown): CloudEvent {
  return {
    specversion: "1.0",
    id: newEventId(),
    source,
    type,
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    data: data ?? null,
  };
}
