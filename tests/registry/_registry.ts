/**
 * Test fixtures for the registry: a real `plugd registry serve` process on a free port, a
 * publisher with a signing key, and signed packages of small plugins.
 */
import { join } from "node:path";
import { moduleTempDir } from "../helpers/module_temp_dir.ts";
import {
  generateKeyPair,
  packPlugin,
  type PrivateKeyFile,
  type PublicKeyFile,
} from "../../src/signing/mod.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A registry server process under test. */
export interface TestRegistry {
  url: string;
  stateDir: string;
  adminToken: string;
  /** The advisory key's public half (base64), as daemons are configured with. */
  advisoryKey: string;
  log: () => string;
  /** JSON request with a token (admin by default); returns status and body. */
  call: (
    method: string,
    path: string,
    body?: unknown,
    token?: string | null,
  ) => Promise<{ status: number; body: Record<string, unknown> }>;
  stop: () => Promise<void>;
  [Symbol.asyncDispose]: () => Promise<void>;
}

/**
 * Starts `plugd registry serve` in a temp state dir (removed when the test module ends; a given
 * `stateDir` is the caller's) and waits until it listens.
 */
export async function startRegistry(
  options: { env?: Record<string, string>; args?: string[]; stateDir?: string } = {},
): Promise<TestRegistry> {
  const stateDir = options.stateDir ?? await moduleTempDir("plugd-reg-");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      MAIN,
      "registry",
      "serve",
      "--state-dir",
      stateDir,
      "--http",
      "127.0.0.1:0",
      ...(options.args ?? []),
    ],
    env: options.env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const ready = Promise.withResolvers<number>();
  const pump = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      stderr += decoder.decode(chunk, { stream: true });
      const m = /registry listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) ready.resolve(Number(m[1]));
    }
    ready.reject(new Error(`registry exited before listening:\n${stderr}`));
  })();
  const timer = setTimeout(
    () => ready.reject(new Error(`registry did not start:\n${stderr}`)),
    30_000,
  );
  let port: number;
  try {
    port = await ready.promise;
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const url = `http://127.0.0.1:${port}`;
  const adminToken = (await Deno.readTextFile(join(stateDir, "admin.token"))).trim();
  const advisoryKey = JSON.parse(await Deno.readTextFile(join(stateDir, "advisory.pub"))).public;
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    await child.status;
    await pump.catch(() => {});
  };
  return {
    url,
    stateDir,
    adminToken,
    advisoryKey,
    log: () => stderr,
    call: async (method, path, body, token = adminToken) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(`${url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {} };
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** A publisher on a test registry, with its token and a registered signing key. */
export interface TestPublisher {
  name: string;
  token: string;
  key: PrivateKeyFile;
  publicKey: PublicKeyFile;
}

/** Creates a publisher (admin) owning `namespaces`, with a fresh registered key. */
export async function createPublisher(
  registry: TestRegistry,
  name: string,
  namespaces: string[] = [`${name}-*`],
): Promise<TestPublisher> {
  const pair = await generateKeyPair();
  const { status, body } = await registry.call("POST", "/api/v1/admin/publishers", {
    name,
    namespaces,
    public_key: pair.publicFile,
  });
  if (status !== 201) throw new Error(`publisher ${name}: ${status} ${JSON.stringify(body)}`);
  return { name, token: String(body.token), key: pair.privateFile, publicKey: pair.publicFile };
}

/** Options of {@link writeTestPlugin}. */
export interface TestPluginOptions {
  id: string;
  version: string;
  description?: string;
  name?: string;
  permissions?: Record<string, string[]>;
  /** Source of main.ts. @default an action hook that logs */
  main?: string;
  readme?: string;
  changelog?: string;
  /** More `plugin.yaml` lines (e.g. a `config:` schema). @default none */
  manifestExtra?: string[];
}

/** Writes a small valid plugin folder under `root`; returns its path. */
export async function writeTestPlugin(root: string, o: TestPluginOptions): Promise<string> {
  const dir = join(root, `${o.id}-${o.version}-src-${crypto.randomUUID().slice(0, 6)}`);
  await Deno.mkdir(dir, { recursive: true });
  const perms = Object.entries(o.permissions ?? {});
  await Deno.writeTextFile(
    join(dir, "plugin.yaml"),
    [
      `id: ${o.id}`,
      `name: ${JSON.stringify(o.name ?? o.id)}`,
      `version: ${o.version}`,
      `description: ${JSON.stringify(o.description ?? `The ${o.id} plugin`)}`,
      'plugd: ">=0.1.0"',
      "entry: main.ts",
      ...(perms.length
        ? ["permissions:", ...perms.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)]
        : []),
      "hooks:",
      "  - action: demo.ping",
      ...(o.manifestExtra ?? []),
      "",
    ].join("\n"),
  );
  await Deno.writeTextFile(
    join(dir, "main.ts"),
    o.main ??
      'import { definePlugin } from "@plugd/sdk";\n\nexport default definePlugin({\n' +
        '  actions: { "demo.ping": (_event, ctx) => ctx.log.info("pong") },\n});\n',
  );
  if (o.readme) await Deno.writeTextFile(join(dir, "README.md"), o.readme);
  if (o.changelog) await Deno.writeTextFile(join(dir, "CHANGELOG.md"), o.changelog);
  return dir;
}

/** Writes and packs a plugin signed with `key`; returns the .tgz path. */
export async function packTestPlugin(
  root: string,
  key: PrivateKeyFile | undefined,
  o: TestPluginOptions,
): Promise<string> {
  const dir = await writeTestPlugin(root, o);
  const { path } = await packPlugin(dir, { key, outDir: join(root, "dist", crypto.randomUUID()) });
  return path;
}

/** Publishes a .tgz over HTTP (multipart) as `token`; returns status and body. */
export async function publish(
  registry: TestRegistry,
  token: string,
  tgz: string,
  fields: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append("package", new File([await Deno.readFile(tgz)], "p.tgz"));
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(`${registry.url}/api/v1/packages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}
