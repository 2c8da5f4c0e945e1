import assert from "node:assert/strict";
import { readLines } from "./frame_reader.ts";

const enc = new TextEncoder();

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks);
}

Deno.test("readLines() splits lines across chunk boundaries", async () => {
  const lines: string[] = [];
  await readLines(streamOf([enc.encode("ab"), enc.encode("c\nd\r\n"), enc.encode("tail")]), {
    onLine: (l) => lines.push(l),
  });
  assert.deepEqual(lines, ["abc", "d", "tail"]);
});

Deno.test("readLines() discards a huge line while streaming, keeping a prefix", async () => {
  const lines: string[] = [];
  const big: [string, number][] = [];
  // 64 MiB line in 1 MiB chunks, generated lazily so the test itself stays small.
  async function* gen() {
    yield enc.encode("first\n");
    const chunk = new Uint8Array(1024 * 1024).fill(120);
    for (let i = 0; i < 64; i++) yield chunk;
    yield enc.encode("\nlast\n");
  }
  await readLines(ReadableStream.from(gen()), {
    maxLineBytes: 1024 * 1024,
    prefixBytes: 16,
    onLine: (l) => lines.push(l),
    onOversized: (p, n) => big.push([p, n]),
  });
  assert.deepEqual(lines, ["first", "last"]);
  assert.deepEqual(big, [["x".repeat(16), 64 * 1024 * 1024]]);
});

Deno.test("readLines() keeps a line of exactly maxLineBytes", async () => {
  const lines: string[] = [];
  await readLines(streamOf([enc.encode("x".repeat(10) + "\n")]), {
    maxLineBytes: 10,
    onLine: (l) => lines.push(l),
  });
  assert.deepEqual(lines, ["x".repeat(10)]);
});

Deno.test("readLines() discards a line one byte over maxLineBytes inside one chunk", async () => {
  const lines: string[] = [];
  const big: [string, number][] = [];
  await readLines(streamOf([enc.encode(`ok\r\n${"x".repeat(11)}\n\nend\n`)]), {
    maxLineBytes: 10,
    prefixBytes: 4,
    onLine: (l) => lines.push(l),
    onOversized: (p, n) => big.push([p, n]),
  });
  assert.deepEqual(lines, ["ok", "", "end"]);
  assert.deepEqual(big, [["xxxx", 11]]);
});

Deno.test("readLines() reads a connection-like source directly, to its end", async () => {
  const chunks = ["a\nb", "c\n", "d"].map((t) => new TextEncoder().encode(t));
  const source = {
    read(p: Uint8Array): Promise<number | null> {
      const c = chunks.shift();
      if (!c) return Promise.resolve(null);
      p.set(c);
      return Promise.resolve(c.byteLength);
    },
  };
  const lines: string[] = [];
  await readLines(source, { onLine: (l) => lines.push(l) });
  assert.deepEqual(lines, ["a", "bc", "d"]);
});

Deno.test("readLines() holds a small buffer while the source is idle and reads in full chunks while it is busy", async () => {
  // What the source sends per read (as much as fits), and the buffer size each read was given.
  const sends = [10, 5000, 40_000, 3000, 20, 1024, 10];
  const asked: number[] = [];
  const pieces = sends.map((n, i) => "x".repeat(n - 1) + (i % 2 ? "\n" : "y"));
  const text = pieces.join("");
  const queue = pieces.map((p) => new TextEncoder().encode(p));
  const source = {
    // Each send arrives on its own: a read takes what fits of the current one.
    read(p: Uint8Array): Promise<number | null> {
      asked.push(p.byteLength);
      const head = queue[0];
      if (!head) return Promise.resolve(null);
      const n = Math.min(p.byteLength, head.byteLength);
      p.set(head.subarray(0, n));
      if (n === head.byteLength) queue.shift();
      else queue[0] = head.subarray(n);
      return Promise.resolve(n);
    },
  };
  const lines: string[] = [];
  await readLines(source, { onLine: (l) => lines.push(l) });
  assert.deepEqual(lines, text.split("\n").filter((l, i, all) => i < all.length - 1 || l));
  assert.equal(asked[0], 1024, "the first read: an idle buffer");
  assert.ok(asked.includes(16 * 1024), "a read that filled it: the next one gets the full size");
  assert.equal(asked.at(-1), 1024, "after short reads: back to the idle buffer");
  assert.ok(Math.max(...asked) <= 16 * 1024);
});
