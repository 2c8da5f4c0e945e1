import assert from "node:assert/strict";
import { validateCloudEvent } from "./cloud_event.ts";
import { EventValidationError, ReservedEventTypeError } from "./errors.ts";
import { newEventId } from "./event_id.ts";

const ok = { specversion: "1.0", source: "/deployer", type: "deployment.post_create" };

Deno.test("validateCloudEvent() fills id, time and datacontenttype and keeps extensions", () => {
  const e = validateCloudEvent({ ...ok, data: { app: "web" }, tenant: "acme" });
  assert.match(e.id, /^[0-9A-Z]{26}$/);
  assert.equal(e.datacontenttype, "application/json");
  assert.equal(e.tenant, "acme");
  assert.deepEqual(e.data, { app: "web" });
  assert.ok(!Number.isNaN(Date.parse(e.time)));
});

Deno.test("validateCloudEvent() lists every problem of a bad envelope", () => {
  try {
    validateCloudEvent({ specversion: "0.3", id: "", time: "yesterday", Bad_Ext: 1, x: {} });
    assert.fail("expected an error");
  } catch (error) {
    assert.ok(error instanceof EventValidationError);
    const fields = error.problems.map((p) => p.field).sort();
    assert.deepEqual(fields, ["Bad_Ext", "id", "source", "specversion", "time", "type", "x"]);
  }
});

Deno.test("validateCloudEvent() reserves plugin.* for the daemon", () => {
  assert.throws(
    () => validateCloudEvent({ ...ok, type: "plugin.enabled" }),
    ReservedEventTypeError,
  );
});

Deno.test("newEventId() sorts in creation order within one millisecond", () => {
  const ids = Array.from({ length: 1000 }, () => newEventId(1_700_000_000_000));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("newEventId() spells its time in the first 10 characters and counts up by one within a millisecond", () => {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const value = (s: string) => [...s].reduce((n, c) => n * 32n + BigInt(alphabet.indexOf(c)), 0n);
  const now = 1_800_000_123_456;
  const ids = Array.from({ length: 50 }, () => newEventId(now));
  for (const id of ids) assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.equal(value(ids[0]!.slice(0, 10)), BigInt(now));
  for (let i = 1; i < ids.length; i++) {
    assert.equal(value(ids[i]!.slice(10)) - value(ids[i - 1]!.slice(10)), 1n);
  }
});

Deno.test("validateCloudEvent() refuses a time that names no real instant", () => {
  const base = { specversion: "1.0", source: "/t", type: "a.b" };
  for (
    const time of [
      "2026-13-45T25:61:61Z",
      "2026-02-30T10:00:00Z",
      "2026-11-22T24:00:00Z",
      "2026-11-22T10:00:00+25:00",
    ]
  ) {
    assert.throws(() => validateCloudEvent({ ...base, time }), EventValidationError, time);
  }
  for (const time of ["2024-02-29T23:59:59Z", "2026-11-22T10:00:00.123+01:00"]) {
    assert.equal(validateCloudEvent({ ...base, time }).time, time);
  }
});
