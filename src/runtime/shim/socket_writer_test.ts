import assert from "node:assert/strict";
import { type ByteSink, DROP_BACKLOG_BYTES, SocketWriter } from "./socket_writer.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A sink that takes at most `max` bytes per write and answers on a later task. */
function slowSink(max: number): ByteSink & { text(): string; writes: number } {
  const got: Uint8Array[] = [];
  let writes = 0;
  return {
    write(p) {
      writes++;
      const n = Math.min(max, p.byteLength);
      got.push(p.slice(0, n));
      return new Promise((r) => setTimeout(() => r(n), 1));
    },
    text: () => got.map((g) => dec.decode(g)).join(""),
    get writes() {
      return writes;
    },
  };
}

Deno.test("SocketWriter keeps order across partial writes and joins what waited", async () => {
  const sink = slowSink(7);
  const w = new SocketWriter(sink);
  const frames = Array.from({ length: 50 }, (_, i) => `frame ${i}\n`);
  for (const f of frames) w.write(enc.encode(f));
  await w.drained();
  assert.equal(sink.text(), frames.join(""));
  assert.ok(sink.writes < 200, `${sink.writes} writes for 50 frames`);
});

Deno.test("SocketWriter starts the first write at once, in the caller's turn", () => {
  const sink = slowSink(1024);
  const w = new SocketWriter(sink);
  w.write(enc.encode("first\n"));
  w.write(enc.encode("second\n"));
  assert.equal(sink.text(), "first\n", "the first write is issued before write() returns");
});

Deno.test("SocketWriter.exitFlush() hands everything queued to the socket in one write", async () => {
  const sink = slowSink(1 << 20);
  const w = new SocketWriter(sink);
  w.write(enc.encode("a\n"));
  w.write(enc.encode("b\n"));
  w.write(enc.encode("c\n"));
  w.exitFlush();
  assert.equal(sink.text(), "a\nb\nc\n");
  assert.equal(sink.writes, 2);
  await w.drained();
});

Deno.test("SocketWriter stops writing once the socket failed, and drains", async () => {
  let writes = 0;
  const w = new SocketWriter({
    write: () => (writes++, Promise.reject(new Deno.errors.BrokenPipe("gone"))),
  });
  w.write(enc.encode("x\n"));
  await w.drained();
  w.write(enc.encode("y\n"));
  await w.drained();
  assert.equal(writes, 1);
});

Deno.test("SocketWriter drops droppable frames past its backlog bound, counts them, keeps the rest", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => release = r);
  let got = 0;
  const w = new SocketWriter({
    write: async (p) => {
      await held; // the host is not reading
      got += p.byteLength;
      return p.byteLength;
    },
  });
  const mib = new Uint8Array(1024 * 1024);
  w.write(mib); // in flight
  for (let i = 0; i < DROP_BACKLOG_BYTES / mib.byteLength + 1; i++) w.write(mib, true);
  assert.ok(w.backlog > DROP_BACKLOG_BYTES);
  w.write(enc.encode("log\n"), true);
  w.write(enc.encode("result\n")); // never dropped
  assert.equal(w.takeDropped(), 0, "reported only once the backlog is below the bound");
  release();
  await w.drained();
  assert.equal(w.backlog, 0);
  assert.equal(w.takeDropped(), 1);
  assert.equal(w.takeDropped(), 0);
  assert.equal(got, (DROP_BACKLOG_BYTES / mib.byteLength + 2) * mib.byteLength + 7);
});
