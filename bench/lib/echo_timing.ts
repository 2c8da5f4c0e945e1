/**
 * Timing loops shared by the IPC floors ({@linkcode ./pipe_floor.ts}, {@linkcode ./socket_floor.ts}):
 * the same NDJSON lines, sequential and pipelined, over whatever channel reaches the echo child.
 */

/** A channel to an echo child: write bytes, read the next chunk (null once the child is gone). */
export interface EchoChannel {
  write(bytes: Uint8Array): Promise<unknown>;
  read(): Promise<Uint8Array | null>;
}

const enc = new TextEncoder();

/** The `i`th line sent: the size and shape of a small protocol call frame. */
export function echoLine(i: number): Uint8Array {
  return enc.encode(JSON.stringify({ t: "call", id: i, kind: "action", payload: { i } }) + "\n");
}

/** Times `n` sequential echo round trips (after `warm` uncounted ones); ms each. */
export async function echoRoundTrips(io: EchoChannel, n: number, warm: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n + warm; i++) {
    const bytes = echoLine(i);
    const t = performance.now();
    await io.write(bytes);
    let got = 0;
    while (got < bytes.byteLength) {
      const chunk = await io.read();
      if (chunk === null) throw new Error("echo child exited");
      got += chunk.byteLength;
    }
    if (i >= warm) out.push(performance.now() - t);
  }
  return out;
}

/**
 * Pipelined echo: `inFlight` lines kept outstanding, one write per line (as a host writes one
 * frame per call); lines/s of each of `rounds` rounds of `total` lines (after one warm-up round).
 */
export async function echoPipelined(
  io: EchoChannel,
  total: number,
  inFlight: number,
  rounds: number,
): Promise<number[]> {
  const rates: number[] = [];
  for (let r = 0; r < rounds + 1; r++) {
    const t = performance.now();
    let sent = 0;
    let received = 0;
    const fill = () => {
      while (sent < total && sent - received < inFlight) io.write(echoLine(sent++));
    };
    fill();
    while (received < total) {
      const chunk = await io.read();
      if (chunk === null) throw new Error("echo child exited");
      for (const b of chunk) if (b === 10) received++;
      fill();
    }
    if (r > 0) rates.push(total / ((performance.now() - t) / 1000));
  }
  return rates;
}
