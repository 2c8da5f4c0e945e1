/**
 * SQL values as they cross the JSON protocol: numbers, strings and null as themselves, blobs as
 * `{"$blob": "<base64>"}` (the shim converts them to and from `Uint8Array`).
 */

type B64 = Uint8Array & { toBase64(): string };
const U8 = Uint8Array as unknown as { fromBase64(s: string): Uint8Array };

/** A SQL value as JSON. */
export type WireValue = number | string | null | { $blob: string };

/** JSON → a value libSQL binds; booleans become 0/1. Throws `TypeError` on anything else. */
export function decodeValue(v: unknown): unknown {
  if (v === null || typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "object" && typeof (v as { $blob?: unknown }).$blob === "string") {
    return U8.fromBase64((v as { $blob: string }).$blob);
  }
  throw new TypeError(
    `cannot bind ${
      JSON.stringify(v)?.slice(0, 40)
    }: use numbers, strings, null, booleans or Uint8Array`,
  );
}

/** A value libSQL returned → JSON. */
export function encodeValue(v: unknown): WireValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof ArrayBuffer) return { $blob: (new Uint8Array(v) as B64).toBase64() };
  if (ArrayBuffer.isView(v)) {
    return { $blob: (new Uint8Array(v.buffer, v.byteOffset, v.byteLength) as B64).toBase64() };
  }
  return String(v);
}

/** A row object with every value encoded. */
export function encodeRow(row: Record<string, unknown>): Record<string, WireValue> {
  const out: Record<string, WireValue> = {};
  for (const [k, v] of Object.entries(row)) out[k] = encodeValue(v);
  return out;
}
