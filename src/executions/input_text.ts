/**
 * The stored form of an event delivery's input preview. Most of that preview repeats what the
 * record's own columns hold (`event_id`, `name`, `started_at`) or what every event says
 * (`specversion`, `datacontenttype`): `{"specversion":"1.0","id":"01M8…","source":"/bench",
 * "type":"bench.noop","time":"2026-12-02T16:42:01.220Z","datacontenttype":"application/json",
 * "data":{"i":9999}}`. Stored, each of those parts becomes one control character (`\u0001` first
 * marks a packed text; the event's time is kept as its distance from the record's start, in ms):
 * `\u0001"/bench"\u0002\u00045\u0003{"i":9999}}`, 24 of that event's 182 characters. Read, they are
 * put back from the row, so the API answers the same text.
 *
 * Packing is exact: JSON text never holds a raw U+0001-U+0004 (`JSON.stringify` escapes every
 * control character) and a text holding one anyway is stored as it is, so each marker stands for
 * the one place its text was taken from; none of the texts put back holds a marker; a time is
 * packed only when `toISOString()` writes its text.
 * @module
 */

/** Starts a packed text; the event's head (specversion, id, `"source":`) is implied. */
const PACKED = "\u0001";
/** Stands for `,"type":<the record's name>,`. */
const TYPE = "\u0002";
/** Stands for {@linkcode CONTENT_TEXT}. */
const CONTENT = "\u0003";
const CONTENT_TEXT = ',"datacontenttype":"application/json","data":';
/** With the decimal `d` after it, stands for `"time":"<ISO text of started_at - d>"`. */
const TIME = "\u0004";
const ISO_TIME = /"time":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\d\dZ)"/;
const DELTA = /^-?\d+/;
// The markers are control characters on purpose (JSON text holds none raw).
// deno-lint-ignore no-control-regex
const MARKERS = /[\u0001-\u0004]/;

/** The facts of a record's row a packed input is read back with. */
export interface InputFacts {
  eventId: string | null;
  name: string;
  /** ms since the epoch. */
  startedAt: number;
}

/** The last day seen and its first ms (NaN when `toISOString()` would not write that day). */
let day = "";
let dayMs = NaN;

/**
 * The ms of `iso` (`YYYY-MM-DDTHH:MM:SS.mmmZ`, the digits checked by {@linkcode ISO_TIME}) when
 * `toISOString()` writes exactly that text, else NaN. Without `Date.parse` and `toISOString`
 * per call (0.5 µs): the day is checked once while it stays the same, the time of day by range.
 */
function isoMs(iso: string): number {
  const d = iso.slice(0, 10);
  if (d !== day) {
    const ms = Date.parse(`${d}T00:00:00.000Z`);
    day = d;
    dayMs = Number.isInteger(ms) && new Date(ms).toISOString().startsWith(d) ? ms : NaN;
  }
  const two = (i: number) => (iso.charCodeAt(i) - 48) * 10 + iso.charCodeAt(i + 1) - 48;
  const h = two(11), m = two(14), s = two(17);
  if (h > 23 || m > 59 || s > 59) return NaN;
  return dayMs + ((h * 60 + m) * 60 + s) * 1000 + two(20) * 10 + iso.charCodeAt(22) - 48;
}

function head(eventId: string): string {
  return `{"specversion":"1.0","id":${JSON.stringify(eventId)},"source":`;
}

/**
 * The stored form of `text`, the input preview of a record of event `eventId` with handler
 * `name` started at `startedAt`; `text` itself when it does not start as that event's envelope.
 *
 * @example
 * ```ts
 * const text = '{"specversion":"1.0","id":"e1","source":"/s","type":"t","data":1}';
 * packInput(text, { eventId: "e1", name: "t", startedAt: 0 }); // '\u0001"/s"\u0002"data":1}'
 * ```
 */
export function packInput(text: string | null, row: InputFacts): string | null {
  const { eventId } = row;
  if (text === null || eventId === null) return text;
  const h = head(eventId);
  if (!text.startsWith(h) || MARKERS.test(text)) return text;
  let rest = text.slice(h.length);
  const type = `,"type":${JSON.stringify(row.name)},`;
  const t = rest.indexOf(type);
  if (t >= 0) rest = rest.slice(0, t) + TYPE + rest.slice(t + type.length);
  const time = Number.isInteger(row.startedAt) ? ISO_TIME.exec(rest) : null;
  const ms = time ? isoMs(time[1]!) : NaN;
  if (time && !Number.isNaN(ms)) {
    rest = rest.slice(0, time.index) + TIME + String(row.startedAt - ms) +
      rest.slice(time.index + time[0].length);
  }
  const c = rest.indexOf(CONTENT_TEXT);
  if (c >= 0) rest = rest.slice(0, c) + CONTENT + rest.slice(c + CONTENT_TEXT.length);
  return PACKED + rest;
}

/**
 * The input preview a stored `text` stands for (see {@linkcode packInput}); any other text as it
 * is (records written before packing, or not packed).
 */
export function unpackInput(text: string | null, row: InputFacts): string | null {
  const { eventId } = row;
  if (text === null || eventId === null || text.charCodeAt(0) !== 1) return text;
  let rest = text.slice(1);
  const c = rest.indexOf(CONTENT);
  if (c >= 0) rest = rest.slice(0, c) + CONTENT_TEXT + rest.slice(c + 1);
  const m = rest.indexOf(TIME);
  if (m >= 0) {
    const delta = DELTA.exec(rest.slice(m + 1, m + 24))![0];
    const iso = new Date(row.startedAt - Number(delta)).toISOString();
    rest = `${rest.slice(0, m)}"time":"${iso}"${rest.slice(m + 1 + delta.length)}`;
  }
  const t = rest.indexOf(TYPE);
  if (t >= 0) rest = `${rest.slice(0, t)},"type":${JSON.stringify(row.name)},${rest.slice(t + 1)}`;
  return head(eventId) + rest;
}
