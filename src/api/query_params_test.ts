import assert from "node:assert/strict";
import { HttpError } from "./problem.ts";
import { optionalEnum, pageLimit, parseTime, refusalsAs400 } from "./query_params.ts";

Deno.test("parseTime() reads ISO times, epoch ms and spans back from now", () => {
  const now = Date.parse("2026-11-22T10:00:00Z");
  assert.equal(parseTime("2026-11-22T09:00:00Z", "since", now), now - 3_600_000);
  assert.equal(parseTime("1700000000000", "since", now), 1_700_000_000_000);
  assert.equal(parseTime("15m", "since", now), now - 900_000);
  assert.equal(parseTime("7d", "since", now), now - 7 * 86_400_000);
  assert.throws(() => parseTime("yesterday", "since", now), /since="yesterday" is not a time/);
});

Deno.test("optionalEnum() and pageLimit() refuse what they do not know", () => {
  assert.equal(optionalEnum("ok", "status", ["ok", "error"]), "ok");
  assert.equal(optionalEnum(undefined, "status", ["ok"]), undefined);
  assert.throws(() => optionalEnum("meh", "status", ["ok", "error"]), /one of: ok, error/);
  assert.equal(pageLimit(undefined), 50);
  assert.throws(() => pageLimit("0"), /from 1 to 500/);
});

Deno.test("refusalsAs400() turns a query's RangeError into a 400 with its hint; others pass", async () => {
  assert.equal(await refusalsAs400(() => Promise.resolve(7)), 7);
  const refused = await refusalsAs400(() => Promise.reject(new RangeError("bad cursor")), " (hint)")
    .catch((e) => e);
  assert.ok(refused instanceof HttpError);
  assert.equal(refused.status, 400);
  assert.equal(refused.message, "bad cursor (hint)");
  await assert.rejects(refusalsAs400(() => Promise.reject(new TypeError("x"))), TypeError);
});
