import assert from "node:assert/strict";
import { parseQuery } from "./query.ts";
import { requiredLiteral, toSql } from "./sql_query.ts";

Deno.test("parseQuery() reads fields, words, phrases, regexes, NOT, OR and parentheses", () => {
  assert.deepEqual(parseQuery("status:5* AND path:/api"), {
    t: "and",
    items: [
      { t: "field", field: "status", op: ":", value: "5*" },
      { t: "field", field: "path", op: ":", value: "/api" },
    ],
  });
  assert.deepEqual(parseQuery('"connection refused" -level:debug time*'), {
    t: "and",
    items: [
      { t: "text", value: "connection refused", prefix: false },
      { t: "not", item: { t: "field", field: "level", op: ":", value: "debug" } },
      { t: "text", value: "time", prefix: true },
    ],
  });
  assert.deepEqual(parseQuery('(a OR b) msg:"two words" status>=500'), {
    t: "and",
    items: [
      {
        t: "or",
        items: [{ t: "text", value: "a", prefix: false }, { t: "text", value: "b", prefix: false }],
      },
      { t: "field", field: "msg", op: ":", value: "two words" },
      { t: "field", field: "status", op: ">=", value: "500" },
    ],
  });
  const re = parseQuery("~db-\\d+");
  assert.equal(re?.t, "regex");
  assert.equal(parseQuery("   "), null);
});

Deno.test("parseQuery() names the problem in a query it cannot read", () => {
  assert.throws(() => parseQuery("(a OR b"), /parenthesis is not closed/);
  assert.throws(() => parseQuery("a)"), /closing parenthesis/);
  assert.throws(() => parseQuery('"open'), /unclosed quote/);
  assert.throws(() => parseQuery("status:"), /has no value/);
  assert.throws(() => parseQuery("~(["), /Invalid regular expression/);
});

Deno.test("toSql() joins top-level words into one MATCH and keeps user text out of SQL", () => {
  const q = toSql(parseQuery('timeout "db-1" status:5* path:/api host:web\'1 level>=warn'));
  assert.equal(q.match, '"timeout" AND "db-1"');
  assert.equal(
    q.where,
    "CAST(l.status AS TEXT) GLOB ? AND (l.path = ? OR l.path GLOB ? OR l.path GLOB ?) AND " +
      "json_extract(l.fields, '$.\"host\"') = ? AND l.level IN (?, ?, ?)",
  );
  assert.deepEqual(q.args, ["5*", "/api", "/api/*", "/api[?]*", "web'1", "warn", "error", "fatal"]);
  assert.throws(() => toSql(parseQuery("a OR ~b")), /only be combined with AND/);
  assert.deepEqual(toSql(parseQuery("-msg~^GET")).regexes.map((r) => r.negate), [true]);
});

Deno.test("requiredLiteral() finds text every match contains, or none", () => {
  assert.equal(requiredLiteral("order-99[0-9]{3}$"), "order-99");
  assert.equal(requiredLiteral("^GET /api/v\\d+/users"), "GET /api/v");
  assert.equal(requiredLiteral("time(out)?s"), "time");
  assert.equal(requiredLiteral("colou?r failed"), "r failed");
  assert.equal(requiredLiteral("a\\.b\\.c"), "a.b.c");
  assert.equal(requiredLiteral("cat|dog"), null);
  assert.equal(requiredLiteral("ab*c"), null, "b may be absent: runs of 1-2 characters only");
  assert.equal(requiredLiteral("x{0,3}yz"), null);
  for (const [pattern, text] of [["order-99[0-9]{3}$", "order-99123"], ["time(out)?s", "times"]]) {
    assert.ok(new RegExp(pattern!).test(text!) && text!.includes(requiredLiteral(pattern!)!));
  }
  const q = toSql(parseQuery("service:worker msg~order-99[0-9]{3}$"));
  assert.match(q.where, /instr\(l\.msg, \?\) > 0$/);
  assert.equal(q.args.at(-1), "order-99");
});

Deno.test("requiredLiteral() ignores classes, groups and quantifier bounds", () => {
  assert.equal(requiredLiteral("[abc]def"), "def");
  assert.equal(requiredLiteral("ab(cdef)?g"), null);
  assert.equal(requiredLiteral("id=\\d{4}-user"), "-user");
});
