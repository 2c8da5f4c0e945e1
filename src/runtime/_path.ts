/** Tiny path helpers (no std: JSR is unreachable here). */

/** Convert a `file:` URL to an absolute path. */
export function fromFileUrl(url: URL | string): string {
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol !== "file:") throw new TypeError(`Not a file URL: ${u.href}`);
  return decodeURIComponent(u.pathname);
}

/** Convert an absolute path to a `file:` URL string. */
export function toFileUrl(path: string): string {
  if (!path.startsWith("/")) throw new TypeError(`Not an absolute path: ${path}`);
  return new URL(`file://${path.split("/").map(encodeURIComponent).join("/")}`).href;
}

/** Whether `path` equals `dir` or lies inside it (both absolute, normalized). */
export function isInside(path: string, dir: string): boolean {
  const d = dir.endsWith("/") ? dir : `${dir}/`;
  return path === dir || path.startsWith(d);
}

/** Join absolute `dir` and a relative `rel` without `..` handling (callers pass clean names). */
export function join(dir: string, rel: string): string {
  return `${dir.replace(/\/+$/, "")}/${rel.replace(/^\/+/, "")}`;
}
