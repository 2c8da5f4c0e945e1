import assert from "node:assert/strict";
import { type InputFacts, packInput, unpackInput } from "./input_text.ts";
import { previewText, redactionOf } from "./preview.ts";

const event = {
  specversion: "1.0",
  id: "01M8VT4V447AS9MC4AZSPRBP2E",
  source: "/bench",
  type: "bench.noop",
  time: "2026-12-02T16:42:01.220Z",
  datacontenttype: "application/json",
  data: { i: 9999 },
};
const row: InputFacts = {
  eventId: event.id,
  name: "bench.noop",
  startedAt: Date.parse(event.time) + 5,
};

function roundTrip(text: string | null, facts: InputFacts): string | null {
  const packed = packInput(text, facts);
  assert.equal(unpackInput(packed, facts), text, JSON.stringify({ text, facts }));
  return packed;
}

Deno.test("packInput() stores an event's preview without what the row and every event hold", () => {
  const text = previewText(event)!;
  const packed = roundTrip(text, row)!;
  assert.equal(packed, '\u0001"/bench"\u0002\u00045\u0003{"i":9999}}');
  assert.equal(text.length, 182);
  assert.equal(packed.length, 24);
});

Deno.test("packInput() and unpackInput() give back every text as it was", () => {
  const texts: [string | null, InputFacts][] = [
    [null, row],
    [previewText(event), { ...row, eventId: null }], // no event: as it is
    [previewText(event), { ...row, eventId: "another-id" }], // another event's text
    [previewText(event), { ...row, name: "other.hook" }], // handler named unlike the type
    [previewText(event), { ...row, startedAt: Date.parse(event.time) - 70_000 }], // before it
    [previewText(event), { ...row, startedAt: 1.5 }], // a start no row has: time kept
    [previewText({ ...event, tenant: "acme", traceparent: "00-ab" }), row],
    [previewText({ ...event, datacontenttype: "text/plain" }), row],
    [previewText({ ...event, time: "2026-12-02T16:42:01Z" }), row], // not toISOString's text
    [previewText({ ...event, time: "2026-02-31T16:42:01.220Z" }), row], // not a day
    [previewText({ ...event, time: "2026-02-29T16:42:01.220Z" }), row], // not a day either
    [previewText({ ...event, time: "2026-12-02T24:00:00.000Z" }), row], // Date.parse's 24:00
    [previewText({ ...event, time: "2026-12-02T16:60:01.220Z" }), row],
    [previewText({ ...event, time: "2024-02-29T00:00:00.000Z" }), row],
    [previewText({ ...event, time: undefined }), row],
    [previewText({ ...event, data: { s: "\u0001\u0002\u0003\u0004" } }), row],
    [previewText({ ...event, data: { note: ',"type":"bench.noop",' } }), row],
    [previewText({ ...event, data: { time: "2020-01-01T00:00:00.000Z", n: [1, 2] } }), row],
    [previewText({ ...event, data: "x".repeat(10_000) }), row], // cut
    [previewText({ ...event, data: { password: "p" } }, redactionOf([], [])), row], // redacted
    ['{"specversion":"1.0","id":"e1","source":"\u0001"}', { ...row, eventId: "e1" }],
    ['{"specversion":"1.0","id":"e1","source":"s","time":"2026-12-02T16:42:01.220Z"…', {
      ...row,
      eventId: "e1",
    }],
    ["\u0001not packed", { ...row, eventId: null }],
    ['{"i":1}', row],
    ["", row],
  ];
  for (const [text, facts] of texts) roundTrip(text, facts);
  const raw = '{"specversion":"1.0","id":"e1","source":"\u0001"}';
  assert.equal(packInput(raw, { ...row, eventId: "e1" }), raw);
});

Deno.test("packInput() round trips generated events", () => {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const pick = <T>(xs: T[]): T => xs[next() % xs.length]!;
  for (let i = 0; i < 2000; i++) {
    const time = new Date(1_700_000_000_000 + next()).toISOString();
    const e: Record<string, unknown> = {
      specversion: "1.0",
      id: `e${next()}`,
      source: pick(["/a", "x", "/\u0002", ""]),
      type: pick(["t.a", "t.b", 'q"uote']),
      time: pick([time, time.slice(0, 19) + "Z", undefined]),
      datacontenttype: pick(["application/json", undefined]),
      data: pick([{ i }, null, "time", [1, { time }], { "datacontenttype": "x" }]),
    };
    if (next() % 3 === 0) e.tenant = "t1";
    const startedAt = Date.parse(time) + (next() % 2000) - 1000;
    roundTrip(previewText(e), { eventId: String(e.id), name: pick(["t.a", "t.b"]), startedAt });
  }
});

Deno.test("unpackInput() leaves texts stored before packing as they are", () => {
  const text = previewText(event);
  assert.equal(unpackInput(text, row), text);
  assert.equal(unpackInput(null, row), null);
});

Deno.test("packInput() keeps a time toISOString() would not write as it is", () => {
  for (
    const time of [
      "2026-02-31T16:42:01.220Z",
      "2026-12-02T24:00:00.000Z",
      "2026-02-29T00:00:00.000Z",
    ]
  ) {
    const packed = packInput(previewText({ ...event, time }), row)!;
    assert.ok(packed.includes(`"time":"${time}"`), packed);
  }
  const leap = packInput(previewText({ ...event, time: "2024-02-29T00:00:00.000Z" }), row)!;
  assert.ok(!leap.includes('"time"'), leap);
});
