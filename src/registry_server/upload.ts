/**
 * Reading a package upload: `multipart/form-data` (a `package` file and optional `changelog`,
 * `categories`, `tags` fields, what `plugd plugin publish` sends) or a raw `application/gzip`
 * body with the same fields in the query string (for curl). The archive lands in a private
 * temp file; the size limit is enforced while the body streams.
 */
import { join } from "node:path";
import { HttpError } from "../api/mod.ts";
import type { PublishMeta } from "./publish.ts";

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Parses a list field: a JSON array or comma-separated text of slugs (at most `max`). */
export function slugList(value: unknown, name: string, max: number): string[] | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  let list: unknown = value;
  if (typeof value === "string") {
    list = value.trim().startsWith("[") ? safeJson(value) : value.split(",").map((s) => s.trim());
  }
  if (
    !Array.isArray(list) || list.length > max ||
    !list.every((s) => typeof s === "string" && SLUG.test(s))
  ) {
    throw new HttpError(
      400,
      `${name} must be at most ${max} lowercase words (letters, digits, '-'), comma-separated`,
    );
  }
  return [...new Set(list as string[])];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Metadata from form fields or query parameters. */
export function publishMeta(get: (name: string) => unknown): PublishMeta {
  const changelog = get("changelog");
  if (changelog !== undefined && changelog !== null && typeof changelog !== "string") {
    throw new HttpError(400, "changelog must be text");
  }
  if (typeof changelog === "string" && changelog.length > 65536) {
    throw new HttpError(400, "changelog must be at most 64 KiB");
  }
  return {
    changelog: typeof changelog === "string" && changelog !== "" ? changelog : undefined,
    categories: slugList(get("categories"), "categories", 5),
    tags: slugList(get("tags"), "tags", 20),
  };
}

/** Writes the uploaded archive to `<dir>/upload.tgz`; returns its path and the metadata. */
export async function readUpload(
  request: Request,
  dir: string,
  maxBytes: number,
): Promise<{ path: string; meta: PublishMeta }> {
  const path = join(dir, "upload.tgz");
  const type = request.headers.get("content-type") ?? "";
  if (/^multipart\/form-data/i.test(type)) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(
        400,
        `The upload is not valid multipart/form-data: ${(error as Error).message}`,
      );
    }
    const file = form.get("package");
    if (!(file instanceof File)) {
      throw new HttpError(400, 'The upload needs a "package" file field holding the .tgz');
    }
    if (file.size > maxBytes) throw tooLarge(maxBytes);
    await Deno.writeFile(path, file.stream(), { createNew: true, mode: 0o600 });
    return {
      path,
      meta: publishMeta((name) => {
        const v = form.get(name);
        return v instanceof File ? undefined : v ?? undefined;
      }),
    };
  }
  if (!/^application\/(gzip|x-gzip|octet-stream)/i.test(type)) {
    throw new HttpError(
      415,
      "Send the package as multipart/form-data (field package) or as application/gzip",
    );
  }
  if (!request.body) throw new HttpError(400, "The request has no body: send the .tgz");
  const out = await Deno.open(path, { createNew: true, write: true, mode: 0o600 });
  const writer = out.writable.getWriter();
  let size = 0;
  try {
    for await (const chunk of request.body) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      await writer.write(chunk);
    }
    await writer.close();
  } catch (error) {
    await writer.abort().catch(() => {});
    throw error;
  }
  const params = new URL(request.url).searchParams;
  return { path, meta: publishMeta((name) => params.get(name) ?? undefined) };
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    `Packages are limited to ${
      Math.round(maxBytes / 1024 / 1024)
    } MiB; keep large data out of them`,
  );
}
