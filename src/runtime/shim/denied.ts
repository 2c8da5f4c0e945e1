/** Recognise permission denials, report them to the host and add a fix-it hint. */
import { send } from "./channel.ts";

const KINDS = new Set(["net", "read", "write", "env", "sys", "run"]);

const DENIAL = /Requires \w+ access to "[^"]*"/;

function findNotCapable(e: unknown, depth = 0): Error | undefined {
  if (depth > 4 || !(e instanceof Error)) return undefined;
  if (e instanceof Deno.errors.NotCapable || e.name === "NotCapable") return e;
  const inner = findNotCapable((e as { cause?: unknown }).cause, depth + 1);
  if (inner || depth === 0) return inner;
  // fetch() reports a --deny-net refusal of the *resolved* address (e.g. a granted name that
  // resolves to 127.0.0.1) as a plain Error cause whose message carries the denial: without this
  // the operator would not see a plugin probing loopback through DNS (security corpus).
  const m = e.message.match(DENIAL);
  return m ? new Error(m[0]) : undefined;
}

/** A hint such as `add net: ["api.example.com:443"] to permissions in plugin.yaml`. */
export function denialHint(message: string): string | undefined {
  const m = message.match(/Requires (\w+) access to "?([^",]+)"?/);
  if (!m || !KINDS.has(m[1]!)) return undefined;
  return `add ${m[1]}: ["${m[2]}"] to permissions in plugin.yaml (and have it granted)`;
}

let nextId = 1_000_000_000;

/**
 * If `e` is (or was caused by) a permission denial, report it with a `denied` host op and return
 * the message with a hint. Otherwise return `undefined`.
 */
export function reportIfDenied(e: unknown): string | undefined {
  const nc = findNotCapable(e);
  if (!nc) return undefined;
  // Fire and forget: the host answers with a host_result nobody waits for.
  send({ t: "host", id: nextId++, op: "denied", args: { what: nc.message.slice(0, 1024) } });
  const hint = denialHint(nc.message);
  return hint ? `${nc.message}; to allow it: ${hint}` : nc.message;
}
