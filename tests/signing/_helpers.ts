/** Shared fixtures for the signing tests: a tiny plugin, a store, keys, and tar builders. */
import { Buffer } from "node:buffer";
import { dirname, join } from "node:path";
import * as tar from "tar";
import { openStore, type Store } from "../../src/store/mod.ts";
import {
  generateKeyPair,
  type PrivateKeyFile,
  type PublicKeyFile,
  trustKey,
} from "../../src/signing/mod.ts";

/** Writes a tiny valid plugin folder and returns its path. */
export async function writePlugin(
  root: string,
  options: { id?: string; version?: string; net?: string[] } = {},
): Promise<string> {
  const { id = "hello-signed", version = "1.0.0", net = ["api.example.com:443"] } = options;
  const dir = join(root, `${id}-${version}-src`);
  await Deno.mkdir(join(dir, "lib"), { recursive: true });
  await Deno.writeTextFile(
    join(dir, "plugin.yaml"),
    [
      `id: ${id}`,
      "name: Hello Signed",
      `version: ${version}`,
      "description: A signed test plugin",
      'plugd: ">=0.1.0"',
      "entry: main.ts",
      "permissions:",
      `  net: ${JSON.stringify(net)}`,
      "hooks:",
      "  - action: deployment.post_create",
      "",
    ].join("\n"),
  );
  await Deno.writeTextFile(
    join(dir, "main.ts"),
    'import { definePlugin } from "@plugd/sdk";\nimport { greet } from "./lib/greet.ts";\n\n' +
      "export default definePlugin({\n" +
      '  actions: { "deployment.post_create": (_event, ctx) => ctx.log.info(greet()) },\n' +
      "});\n",
  );
  await Deno.writeTextFile(join(dir, "lib/greet.ts"), 'export const greet = () => "hello";\n');
  return dir;
}

/** A temp folder, a store in it, and helpers to clean up. */
export interface Bench {
  root: string;
  store: Store;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Opens a fresh store in a new temp folder. */
export async function openBench(): Promise<Bench> {
  const root = await Deno.makeTempDir({ prefix: "plugd-signing-" });
  const store = await openStore(`file:${join(root, "plugd.db")}`);
  return {
    root,
    store,
    async [Symbol.asyncDispose]() {
      store.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** A new key pair, optionally trusted in `store`. */
export async function newKey(
  store?: Store,
  trust: { allowed_ids?: string[]; expires_at?: string } = {},
): Promise<{ priv: PrivateKeyFile; pub: PublicKeyFile }> {
  const { privateFile, publicFile } = await generateKeyPair();
  if (store) await trustKey(store, { public_key: publicFile, name: "test", ...trust }, "test");
  return { priv: privateFile, pub: publicFile };
}

/** Extracts a .tgz with tar.x into a fresh folder (for tampering with a trusted build). */
export async function unpackRaw(tgz: string, root: string): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: root, prefix: "raw-" });
  await tar.x({ file: tgz, cwd: dir });
  return dir;
}

/** Re-archives a folder holding `package/` with tar.c (links stored as links). */
export async function repack(staging: string, out: string): Promise<string> {
  await tar.c({ gzip: true, file: out, cwd: staging, portable: true }, ["package"]);
  return out;
}

/** One entry of {@link writeRawTgz}: a header made with tar's own Header encoder. */
export interface RawEntry {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "FIFO";
  linkpath?: string;
  /** File content, or a size of zero bytes streamed without holding them in memory. */
  data?: Uint8Array | { zeros: number };
}

/**
 * Streams a gzipped tar of `entries` to `out` without holding it in memory, so tests can build
 * hostile archives (zip-slip paths, bombs) that `tar.c` would never write.
 */
export async function writeRawTgz(
  out: string,
  entries: Iterable<RawEntry>,
): Promise<string> {
  await Deno.mkdir(dirname(out), { recursive: true });
  const zeros = new Uint8Array(1024 * 1024);
  async function* blocks(): AsyncGenerator<Uint8Array> {
    for (const entry of entries) {
      const data = entry.data ?? new Uint8Array();
      const size = data instanceof Uint8Array ? data.length : data.zeros;
      const header = new tar.Header({
        path: entry.path,
        type: entry.type ?? "File",
        linkpath: entry.linkpath,
        size: entry.type && entry.type !== "File" ? 0 : size,
        mode: entry.type === "Directory" ? 0o755 : 0o644,
        mtime: new Date(0),
        uid: 0,
        gid: 0,
      });
      const block = Buffer.alloc(512);
      header.encode(block, 0);
      yield new Uint8Array(block);
      if (entry.type && entry.type !== "File") continue;
      if (data instanceof Uint8Array) yield data;
      else {
        for (let left = size; left > 0; left -= zeros.length) {
          yield left >= zeros.length ? zeros : zeros.subarray(0, left);
        }
      }
      const pad = (512 - (size % 512)) % 512;
      if (pad) yield new Uint8Array(pad);
    }
    yield new Uint8Array(1024);
  }
  const file = await Deno.open(out, { write: true, create: true, truncate: true });
  await ReadableStream.from(blocks() as AsyncIterable<BufferSource>)
    .pipeThrough(new CompressionStream("gzip"))
    .pipeTo(file.writable);
  return out;
}
