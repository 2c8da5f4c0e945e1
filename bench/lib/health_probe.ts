/**
 * A separate process that asks `GET /v1/health` every `interval` ms for `duration` ms and prints
 * the latencies as JSON on stdout. Run apart from the load generator, so its figures show the
 * daemon's stalls and not the load client's own.
 *
 *   deno run -A bench/lib/health_probe.ts <base-url> <duration-ms> <interval-ms>
 */
const [baseUrl, durationArg, intervalArg] = Deno.args;
const end = performance.now() + Number(durationArg);
const interval = Number(intervalArg ?? 20);
const latencies: number[] = [];
let failures = 0;
while (performance.now() < end) {
  const t = performance.now();
  try {
    const res = await fetch(`${baseUrl}/v1/health`, { signal: AbortSignal.timeout(30_000) });
    await res.body?.cancel();
    if (res.ok) latencies.push(performance.now() - t);
    else failures++;
  } catch {
    failures++;
  }
  await new Promise((r) => setTimeout(r, interval));
}
console.log(JSON.stringify({ latencies, failures }));
