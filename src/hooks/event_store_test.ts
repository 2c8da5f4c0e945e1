import assert from "node:assert/strict";
import { eventFromRow, storedEnvelope } from "./event_store.ts";
import type { CloudEvent } from "./types.ts";

const event: CloudEvent = {
  tenant: "acme",
  specversion: "1.0",
  id: "01JD8X3V0Q6K2S7Y9B4N5M1C8T",
  source: "/deployer",
  type: "deployment.post_create",
  time: "2026-12-02T05:00:00.000Z",
  datacontenttype: "application/json",
  data: { name: "web", replicas: 3 },
};

Deno.test("storedEnvelope() leaves out the row's columns and the constant attributes", () => {
  assert.deepEqual(JSON.parse(storedEnvelope(event)), {
    tenant: "acme",
    time: "2026-12-02T05:00:00.000Z",
    data: { name: "web", replicas: 3 },
  });
});

Deno.test("eventFromRow() gives back the event, in the order the intake made it", () => {
  const back = eventFromRow(event.id, event.type, event.source, storedEnvelope(event));
  assert.deepEqual(back, event);
  assert.equal(JSON.stringify(back), JSON.stringify(event));
  const noData = { ...event, data: null };
  assert.deepEqual(
    eventFromRow(event.id, event.type, event.source, storedEnvelope(noData)),
    noData,
  );
});

Deno.test("eventFromRow() reads an envelope stored whole, as before issue 23's eighth round", () => {
  assert.deepEqual(
    eventFromRow(event.id, event.type, event.source, JSON.stringify(event)),
    event,
  );
});
