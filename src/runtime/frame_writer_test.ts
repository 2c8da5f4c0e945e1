import assert from "node:assert/strict";
import { FrameWriter } from "./frame_writer.ts";

function sink(): { writer: WritableStreamDefaultWriter<Uint8Array>; writes: string[] } {
  const writes: string[] = [];
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      writes.push(new TextDecoder().decode(chunk));
    },
  });
  return { writer: stream.getWriter(), writes };
}

Deno.test("FrameWriter writes the frames of one tick in one write, in order", async () => {
  const { writer, writes } = sink();
  const frames = new FrameWriter(writer);
  frames.send({ t: "call", id: 1 });
  frames.send({ t: "call", id: 2 });
  assert.deepEqual(writes, []);
  await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(writes, ['{"t":"call","id":1}\n{"t":"call","id":2}\n']);
  frames.send({ t: "call", id: 3 });
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(writes.at(-1), '{"t":"call","id":3}\n');
});

Deno.test("FrameWriter.close() writes what is queued before closing", async () => {
  const { writer, writes } = sink();
  const frames = new FrameWriter(writer);
  frames.send({ t: "shutdown" });
  frames.close();
  await writer.closed;
  assert.deepEqual(writes, ['{"t":"shutdown"}\n']);
  frames.send({ t: "late" }); // after close: dropped without an unhandled rejection
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(writes.length, 1);
});
