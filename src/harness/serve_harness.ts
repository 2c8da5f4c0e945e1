/**
 * The harness process behind `@plugd/sdk/testing`: reads requests on stdin, runs one plugin
 * under test with {@linkcode startPlugin} (the install's checks, the real sandbox), answers on
 * stdout, and streams log lines, storage changes and emitted events as they happen.
 */
import type { HarnessFrame, HarnessRequest } from "../../sdk/_testing_wire.ts";
import { startPlugin, type StartPluginOptions } from "./start_plugin.ts";
import type { HarnessSession } from "./harness_session.ts";

type B64 = Uint8Array & { toBase64(): string };

/** Serves one test session until stdin closes; the plugin is stopped then. */
export async function serveHarness(
  input: ReadableStream<Uint8Array> = Deno.stdin.readable,
  write: (bytes: Uint8Array) => void = (b) => {
    let off = 0;
    while (off < b.byteLength) off += Deno.stdout.writeSync(b.subarray(off));
  },
): Promise<void> {
  const encoder = new TextEncoder();
  const send = (frame: HarnessFrame) => write(encoder.encode(JSON.stringify(frame) + "\n"));
  let session: HarnessSession | undefined;
  const cancels = new Map<number, AbortController>();
  const handle = async (r: HarnessRequest): Promise<unknown> => {
    if (r.op === "start") {
      if (session) throw new Error("this harness already runs a plugin");
      const options = r.options as StartPluginOptions;
      session = await startPlugin(r.dir, {
        config: options.config,
        grant: options.grant,
        timeoutMs: options.timeoutMs,
        caps: options.caps,
        typeCheck: options.typeCheck,
        cancelGraceMs: options.cancelGraceMs,
        tenants: options.tenants,
        onLog: (line) => send({ ev: "log", line }),
        onHostCall: (pluginId, op, args, value, tenant) => {
          const where = { pluginId, ...(tenant === null ? {} : { tenant }) };
          if (op === "storage.set") {
            send({ ev: "storage", ...where, key: String(args.key), value: args.value });
          } else if (op === "storage.delete") {
            send({ ev: "storage", ...where, key: String(args.key), deleted: true });
          } else if (op === "emit") {
            const { type, data } = args;
            send({
              ev: "emitted",
              event: { pluginId, type: String(type), data, id: String(value), tenant },
            });
          }
        },
      });
      return { id: session.id };
    }
    if (!session) throw new Error("no plugin started");
    switch (r.op) {
      case "emit":
        return await session.emit(r.type, r.data, { tenant: r.tenant });
      case "filter":
        return await session.filter(r.name, r.data, { tenant: r.tenant });
      case "gate":
        return await session.gate(r.name, r.data, { tenant: r.tenant });
      case "route": {
        const res = await session.route(r.method, r.path, { headers: r.headers, body: r.body });
        const body = new Uint8Array(await res.arrayBuffer()) as B64;
        return { status: res.status, headers: [...res.headers], body: body.toBase64() };
      }
      case "cron":
        return await session.cron(r.name);
      case "command": {
        const abort = new AbortController();
        cancels.set(r.id, abort);
        try {
          const { code } = await session.command(r.name, r.args, {
            signal: abort.signal,
            onOutput: (chunk) => send({ ev: "out", id: r.id, chunk }),
          });
          return code;
        } finally {
          cancels.delete(r.id);
        }
      }
      case "cancel":
        cancels.get(r.target)?.abort();
        return null;
      case "stats":
        return await session.stats();
      case "db":
        return await session.db.execute(r.sql, r.args as unknown[] | undefined, {
          tenant: r.tenant,
        });
      case "stop":
        await session[Symbol.asyncDispose]();
        session = undefined;
        return null;
    }
  };
  let buffered = "";
  const inflight = new Set<Promise<void>>();
  for await (const chunk of input.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line) continue;
      const r = JSON.parse(line) as HarnessRequest;
      const done = handle(r).then(
        (value) => send({ id: r.id, ok: true, value: value ?? null }),
        (e: Error & { reason?: string }) =>
          send({
            id: r.id,
            ok: false,
            error: {
              name: e?.name ?? "Error",
              message: String(e?.message ?? e),
              reason: e?.reason,
            },
          }),
      ).finally(() => inflight.delete(done));
      inflight.add(done);
    }
  }
  await Promise.allSettled(inflight);
  await session?.[Symbol.asyncDispose]();
}
