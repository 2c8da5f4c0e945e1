/** A generic HMAC-SHA256 signature, hex or base64, with an optional prefix such as `sha256=`. */
import { fromBase64, fromHex, hmacKey, hmacMatches } from "./_crypto.ts";

/** Options of {@linkcode verifyHmacSha256}. */
export interface HmacOptions {
  /** How the signature is written. @default "hex" */
  encoding?: "hex" | "base64";
  /** Text before the signature that must be present, e.g. `sha256=`. @default "" */
  prefix?: string;
}

/**
 * Whether `signature` is the HMAC-SHA256 of `body` under `secret` (compared in constant time).
 *
 * @example
 * ```ts
 * const body = new Uint8Array(await req.arrayBuffer());
 * if (!await verifyHmacSha256(ctx.config.secret as string, body, req.headers.get("x-signature"))) {
 *   return new Response("bad signature", { status: 401 });
 * }
 * ```
 */
export async function verifyHmacSha256(
  secret: string | Uint8Array,
  body: string | Uint8Array,
  signature: string | null | undefined,
  options: HmacOptions = {},
): Promise<boolean> {
  const { encoding = "hex", prefix = "" } = options;
  if (typeof signature !== "string" || !signature.startsWith(prefix)) return false;
  const text = signature.slice(prefix.length).trim();
  const bytes = encoding === "hex" ? fromHex(text) : fromBase64(text);
  return await hmacMatches(await hmacKey(secret), bytes, body);
}
