/**
 * Reading a file of a plugin's console UI from its installed, read-only folder: only files under
 * the folders of its declared pages and widgets, only known web types, never through a symlink,
 * `..`, an encoded separator or a hidden name.
 */
import { join } from "node:path";
import { UI_RESERVED_FOLDER, type UiDecl } from "../manifest/mod.ts";

/** Content types of the files a plugin UI may serve, by extension. */
export const UI_FILE_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  map: "application/json",
  txt: "text/plain; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  ico: "image/x-icon",
  woff: "font/woff",
  woff2: "font/woff2",
};

/** Largest UI file served (5 MiB). */
export const MAX_UI_FILE_BYTES = 5 * 1024 * 1024;

/** A file to answer with. */
export interface UiFile {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/** The folders (as segment lists) holding the plugin's declared pages and widgets. */
export function uiFolders(ui: UiDecl | undefined): string[][] {
  const entries = [...(ui?.pages ?? []), ...(ui?.widgets ?? [])];
  return entries.map((e) => e.path.split("/").slice(0, -1));
}

/** `path` (as in the URL, percent-encoded) as safe segments, or undefined. */
export function pathSegments(path: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of path.split("/")) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    // deno-lint-ignore no-control-regex
    if (s === "" || s.startsWith(".") || /[/\\\x00-\x1f\x7f]/.test(s)) return undefined;
    segments.push(s);
  }
  return segments;
}

/** The file at `path` inside `pluginDir`, or undefined when it is not one the UI may serve. */
export async function readUiFile(
  pluginDir: string,
  path: string,
  ui: UiDecl | undefined,
): Promise<UiFile | undefined> {
  const segments = pathSegments(path);
  if (!segments || segments[0] === UI_RESERVED_FOLDER) return undefined;
  const inDeclaredFolder = uiFolders(ui).some((folder) =>
    folder.length < segments.length && folder.every((part, i) => segments[i] === part)
  );
  const ext = segments.at(-1)!.split(".").at(-1)!.toLowerCase();
  const contentType = UI_FILE_TYPES[ext];
  if (!inDeclaredFolder || !contentType || !segments.at(-1)!.includes(".")) return undefined;
  try {
    const full = join(await Deno.realPath(pluginDir), ...segments);
    // The real path must be the path itself: no symlink anywhere inside the plugin folder
    // (install refuses them too; this holds even if the folder changed afterwards).
    if (await Deno.realPath(full) !== full) return undefined;
    const info = await Deno.lstat(full);
    if (!info.isFile || info.size > MAX_UI_FILE_BYTES) return undefined;
    return { bytes: await Deno.readFile(full) as Uint8Array<ArrayBuffer>, contentType };
  } catch {
    return undefined;
  }
}
