/**
 * A plugin package sent as the request body (`Content-Type: application/gzip`) instead of a path:
 * the CLI uploads local `.tgz` files, so installing works when the daemon cannot see the client's
 * files (systemd's ProtectHome/PrivateTmp, or another host over --url).
 */
import { join } from "node:path";
import { HttpError } from "./problem.ts";

/** Largest package accepted as an upload. */
export const MAX_PACKAGE_BYTES = 64 * 1024 * 1024;

/** Whether `request` carries a package in its body (the JSON body limit does not apply). */
export function isPackageUpload(request: Request): boolean {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  return request.method === "POST" &&
    (type === "application/gzip" || type === "application/x-gzip");
}

/**
 * Streams the body into a new file in `dir`, counting bytes as they arrive (a body over
 * `maxBytes` is cut off with 413, never buffered). Returns the file's path; the caller removes it.
 */
export async function saveUpload(
  request: Request,
  dir: string,
  maxBytes = MAX_PACKAGE_BYTES,
): Promise<string> {
  if (!request.body) throw new HttpError(400, "The package upload has no body");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const path = join(dir, `upload-${crypto.randomUUID()}.tgz`);
  const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  let size = 0;
  try {
    for await (const chunk of request.body) {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge(maxBytes);
      let written = 0;
      while (written < chunk.byteLength) written += await file.write(chunk.subarray(written));
    }
  } catch (error) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw error;
  }
  file.close();
  if (size === 0) {
    await Deno.remove(path).catch(() => {});
    throw new HttpError(400, "The package upload is empty");
  }
  return path;
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    `Plugin packages are limited to ${maxBytes / 1024 / 1024} MiB; this one is larger`,
  );
}
