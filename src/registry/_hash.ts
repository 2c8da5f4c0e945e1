import { createHash } from "node:crypto";

/** sha256 hex of a file, streamed. */
export async function fileSha256Hex(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of (await Deno.open(path)).readable) hash.update(chunk);
  return hash.digest("hex");
}
