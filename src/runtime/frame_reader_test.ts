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
