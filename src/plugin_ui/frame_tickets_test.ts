import assert from "node:assert/strict";
import { FrameTickets } from "./frame_tickets.ts";

Deno.test("FrameTickets: one per session and plugin version, unguessable, expiring, bounded", () => {
  let now = 0;
  const tickets = new FrameTickets({ ttlMs: 1000, max: 2, now: () => now });
  const a = tickets.issue("ci", "1.0.0", "session-a");
  assert.match(a, /^[A-Za-z0-9_-]{24}$/);
  assert.equal(tickets.issue("ci", "1.0.0", "session-a"), a, "reused while valid");
  assert.notEqual(tickets.issue("ci", "1.0.0", "session-b"), a, "per session");
  assert.deepEqual(tickets.resolve(a), {
    pluginId: "ci",
    version: "1.0.0",
    sessionIdHash: "session-a",
    expiresAt: 1000,
  });
  tickets.issue("ci", "2.0.0", "session-a"); // a third: the oldest (a) goes
  assert.equal(tickets.resolve(a), undefined);
  now = 5000;
  assert.equal(tickets.resolve(tickets.issue("x", "1", "s")) !== undefined, true);
  assert.equal(tickets.resolve("not-a-ticket"), undefined);
});
