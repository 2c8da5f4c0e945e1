/**
 * A cheap HTTP/1.1 load generator, run as its own process by raw_http_load.ts: `clients`
 * keep-alive connections on a Unix socket, each writing one raw `POST` at a time (or `depth`
 * pipelined) and reading the answer's status line and `content-length` from the bytes, with no
 * fetch, Request or Response objects. So the figure is the server's capacity, not the client's:
 * Deno's fetch client costs 55-65 µs of CPU per request on this machine, this one ~10-20.
 *
 * Argument: one JSON object (see {@linkcode LoadSpec} in raw_http_load.ts). Prints one JSON line
 * with the rate, statuses, latencies and this process's CPU per request.
 */

interface Spec {
  socket: string;
  path: string;
  contentType: string;
  /** Bodies are `template` with every `{i}` replaced by the request's number. */
  template: string;
  clients: number;
  total: number;
  depth: number;
  expect: number;
  /** Print every latency too (`latencies_ms`), for a caller that summarizes them itself. */
  latencies: boolean;
}

const spec = JSON.parse(Deno.args[0]!) as Spec;
const encoder = new TextEncoder();
const CRLF2 = [13, 10, 13, 10];

function request(i: number): Uint8Array {
  const body = encoder.encode(spec.template.replaceAll("{i}", String(i)));
  const head = `POST ${spec.path} HTTP/1.1\r\nhost: plugd\r\ncontent-type: ${spec.contentType}` +
    `\r\ncontent-length: ${body.length}\r\n\r\n`;
  const out = new Uint8Array(head.length + body.length);
  encoder.encodeInto(head, out);
  out.set(body, head.length);
  return out;
}

function headerEnd(buf: Uint8Array, from: number, to: number): number {
  for (let i = from; i + 3 < to; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

function cpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

let next = 0;
const statuses: Record<string, number> = {};
const latencies: number[] = [];
const decoder = new TextDecoder();

/** One connection: sends up to `depth` requests at a time, reads their answers in order. */
async function client(): Promise<void> {
  const conn = await Deno.connect({ transport: "unix", path: spec.socket });
  let buf = new Uint8Array(64 * 1024);
  let have = 0;
  const sentAt: number[] = [];
  try {
    while (true) {
      const batch: Uint8Array[] = [];
      while (batch.length < spec.depth && next < spec.total) batch.push(request(next++));
      if (batch.length === 0) return;
      const t = performance.now();
      const bytes = batch.length === 1 ? batch[0]! : concat(batch);
      for (let w = 0; w < bytes.length;) w += await conn.write(bytes.subarray(w));
      for (let k = 0; k < batch.length; k++) sentAt.push(t);
      for (let answered = 0; answered < batch.length;) {
        let end = headerEnd(buf, 0, have);
        while (end < 0) {
          if (have === buf.length) buf = grow(buf);
          const n = await conn.read(buf.subarray(have));
          if (n === null) throw new Error("the server closed the connection");
          have += n;
          end = headerEnd(buf, Math.max(0, have - n - 3), have);
        }
        const head = decoder.decode(buf.subarray(0, end));
        const status = head.slice(9, 12);
        const m = /\r\ncontent-length: *(\d+)/i.exec(head);
        if (!m) throw new Error(`answer without content-length: ${head.slice(0, 200)}`);
        const total = end + CRLF2.length + Number(m[1]);
        while (have < total) {
          if (total > buf.length) buf = grow(buf, total);
          const n = await conn.read(buf.subarray(have));
          if (n === null) throw new Error("the server closed the connection");
          have += n;
        }
        buf.copyWithin(0, total, have);
        have -= total;
        statuses[status] = (statuses[status] ?? 0) + 1;
        latencies.push(performance.now() - sentAt.shift()!);
        answered++;
      }
    }
  } finally {
    conn.close();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function grow(buf: Uint8Array, atLeast = 0): Uint8Array {
  const out = new Uint8Array(Math.max(buf.length * 2, atLeast));
  out.set(buf);
  return out;
}

const cpu0 = cpuSeconds();
const t0 = performance.now();
await Promise.all(Array.from({ length: spec.clients }, () => client()));
const seconds = (performance.now() - t0) / 1000;
const cpu = cpuSeconds() - cpu0;
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
console.log(JSON.stringify({
  requests: latencies.length,
  expected: statuses[String(spec.expect)] ?? 0,
  statuses,
  seconds,
  rate: (statuses[String(spec.expect)] ?? 0) / seconds,
  latency_p50_ms: q(0.5),
  latency_p99_ms: q(0.99),
  client_cpu_us: Math.round((cpu / Math.max(1, latencies.length)) * 1e6),
  ...(spec.latencies ? { latencies_ms: latencies } : {}),
}));
