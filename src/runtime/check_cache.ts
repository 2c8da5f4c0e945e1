/**
 * A cache of type-check verdicts, so an install does not type-check from scratch each time: the
 * key is a SHA-256 of every module in the plugin's graph (its own files, the SDK, the shim, the
 * bootstrap; path and content), the import map, and the Deno binary. Only a passed check is
 * recorded (an empty file named by the key); a failed one is checked again next time. Identical
 * content gives an identical verdict, so skipping is safe; the type check is a quality gate, not
 * a wall (the sandbox does not depend on it).
 */
import { isInside } from "./_path.ts";

/** Where a module the plugin sees (sandbox path) lives on the host. */
export type RootMap = [seen: string, host: string][];

interface InfoModule {
  specifier: string;
}

const encoder = new TextEncoder();

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function hostPath(seen: string, roots: RootMap): string | null {
  for (const [s, h] of roots) if (isInside(seen, s)) return h + seen.slice(s.length);
  return null;
}

/**
 * The cache key of a graph (`deno info --json` output), or null when a module is outside the
 * mapped roots (nothing is cached then).
 *
 * @example
 * ```ts
 * const key = await typeCheckKey(JSON.parse(info), [["/plugin", pluginDir]], { deno, args });
 * ```
 */
export async function typeCheckKey(
  info: { modules?: InfoModule[] },
  roots: RootMap,
  context: { denoPath: string; args: string[] },
): Promise<string | null> {
  const stat = await Deno.stat(context.denoPath);
  const parts = [
    "plugd-typecheck-1",
    context.denoPath,
    String(stat.size),
    String(stat.mtime?.getTime() ?? 0),
    Deno.version.deno,
    Deno.version.typescript,
    ...context.args,
  ];
  const modules = [...(info.modules ?? [])].sort((a, b) =>
    a.specifier < b.specifier ? -1 : a.specifier > b.specifier ? 1 : 0
  );
  for (const m of modules) {
    if (m.specifier.startsWith("node:")) {
      parts.push(m.specifier);
      continue;
    }
    if (!m.specifier.startsWith("file:")) return null;
    const path = hostPath(decodeURIComponent(new URL(m.specifier).pathname), roots);
    if (path === null) return null;
    parts.push(`${m.specifier}\0${await sha256Hex(await Deno.readFile(path))}`);
  }
  return await sha256Hex(encoder.encode(parts.join("\n")));
}

/** Whether `key` passed a type check before. */
export async function checkedBefore(dir: string, key: string): Promise<boolean> {
  return await Deno.stat(`${dir}/${key}`).then(() => true, () => false);
}

/** Records that `key` passed (best effort: a cache that cannot be written only costs time). */
export async function recordChecked(dir: string, key: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.writeFile(`${dir}/${key}`, new Uint8Array(), { mode: 0o600 });
  } catch { /* only a cache */ }
}
