import assert from "node:assert/strict";
import { listenChannel } from "./channel_socket.ts";

const enc = new TextEncoder();

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "plugd-channel-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function connectAndSend(path: string, text: string): Promise<Deno.UnixConn> {
  const conn = await Deno.connect({ transport: "unix", path });
  await conn.write(enc.encode(text));
  return conn;
}

Deno.test("listenChannel() accepts the connection that presents the nonce, then nothing else", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/p.sock`;
    const socket = listenChannel(path);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600, "only the owner may connect");
    assert.match(socket.nonce, /^[0-9a-f]{64}$/);
    const client = await connectAndSend(path, `${socket.nonce}\n`);
    const conn = await socket.connection;
    // The socket is gone once one connection came: a second finds nothing to connect to.
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
    await assert.rejects(Deno.connect({ transport: "unix", path }));
    // The accepted connection carries frames.
    await conn.write(enc.encode("frame\n"));
    const buf = new Uint8Array(16);
    assert.equal(await client.read(buf), 6);
    conn.close();
    client.close();
  });
});

Deno.test("listenChannel() refuses a first connection without the nonce, and closes", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/p.sock`;
    const socket = listenChannel(path);
    const intruder = await connectAndSend(path, "not-the-nonce\n");
    await assert.rejects(socket.connection, /did not present this launch's nonce/);
    // The intruder was hung up on, and the real plugin can no longer connect either: the
    // launch fails (contained) rather than serving anyone else.
    assert.equal(await intruder.read(new Uint8Array(8)), null);
    intruder.close();
    await assert.rejects(Deno.connect({ transport: "unix", path }));
  });
});

Deno.test("listenChannel() refuses garbage: a long first line, an early hang-up", async () => {
  await withDir(async (dir) => {
    const long = listenChannel(`${dir}/a.sock`);
    const a = await connectAndSend(`${dir}/a.sock`, "x".repeat(4096));
    await assert.rejects(long.connection, /nonce/);
    a.close();
    const early = listenChannel(`${dir}/c.sock`);
    const c = await Deno.connect({ transport: "unix", path: `${dir}/c.sock` });
    c.close(); // hangs up before any nonce
    await assert.rejects(early.connection, /nonce/);
  });
});

Deno.test("listenChannel() leaves the frames sent right after the nonce to the reader", async () => {
  await withDir(async (dir) => {
    const socket = listenChannel(`${dir}/b.sock`);
    const client = await connectAndSend(`${dir}/b.sock`, `${socket.nonce}\n{"t":"hello"}\n`);
    const conn = await socket.connection;
    const buf = new Uint8Array(64);
    let got = "";
    while (!got.endsWith("\n")) {
      got += new TextDecoder().decode(buf.subarray(0, (await conn.read(buf))!));
    }
    assert.equal(got, '{"t":"hello"}\n');
    conn.close();
    client.close();
  });
});

Deno.test("listenChannel() close() before anyone connected rejects and removes the socket", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/p.sock`;
    await Deno.writeTextFile(path, "stale"); // left by a killed daemon: replaced
    const socket = listenChannel(path);
    socket.close();
    socket.close();
    await assert.rejects(socket.connection, /never connected/);
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
  });
});
