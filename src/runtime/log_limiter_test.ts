import assert from "node:assert/strict";
import { LogLimiter } from "./log_limiter.ts";

Deno.test("LogLimiter admits a second's worth, then drops and refills", () => {
  let now = 0;
  const l = new LogLimiter({ linesPerSecond: 10, now: () => now });
  let admitted = 0;
  for (let i = 0; i < 25; i++) if (l.admit()) admitted++;
  assert.equal(admitted, 10);
  assert.equal(l.dropped, 15);
  now = 500;
  assert.ok(l.admit());
});

Deno.test("LogLimiter.truncate() cuts long lines and says so", () => {
  const l = new LogLimiter({ maxLineChars: 20 });
  assert.match(l.truncate("y".repeat(50)), /^y{20}… \[truncated 30 chars\]$/);
});
