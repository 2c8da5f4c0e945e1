import assert from "node:assert/strict";
import { CommandStream, MAX_QUEUED_OUTPUT } from "./command_stream.ts";

Deno.test("CommandStream drops and counts output a client does not read, and says so last", async () => {
  const stream = new CommandStream();
  const chunk = "x".repeat(64 * 1024);
  for (let i = 0; i < (MAX_QUEUED_OUTPUT / chunk.length) * 2; i++) stream.out(chunk);
  assert.ok(stream.dropped > 0);
  stream.end({ exit: 0 });
  const lines = (await new Response(stream.body).text()).trim().split("\n");
  const last = JSON.parse(lines.at(-1)!);
  assert.deepEqual(last, { exit: 0, dropped_bytes: stream.dropped });
  assert.ok(lines.length - 1 <= MAX_QUEUED_OUTPUT / chunk.length, "the queue stayed bounded");
});

Deno.test("CommandStream: a client that goes away aborts the run's signal", async () => {
  const stream = new CommandStream();
  stream.out("hello\n");
  await stream.body.cancel();
  assert.equal(stream.signal.aborted, true);
  stream.out("late");
  stream.end({ exit: 0 }); // no throw after the client left
});
