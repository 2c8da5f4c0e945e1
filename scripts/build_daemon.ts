/**
 * Builds the daemon as a bundle: `main.ts` and plugd's own modules as a few ES modules in
 * `dist/` (`dist/plugd.js`, and chunks for what the daemon loads on first use: the console, the
 * fleet, the registry server). A daemon run from hundreds of TypeScript modules keeps each one's
 * script, source text and inline source map in V8; the bundle is ~10 scripts with no maps
 * (docs/architecture.md, "Memory: the daemon (issue 23, seventh round)").
 *
 *   deno task build            writes dist/ (install.sh runs it; the unit runs dist/plugd.js)
 *   deno task build --out DIR  writes DIR (run it with --config=<this checkout>/deno.json)
 *
 * npm packages stay imports that Deno resolves from deno.json and the lockfile (libSQL's native
 * addon and esbuild cannot be bundled, and the others keep their integrity-checked copies).
 * Every module keeps its own `import.meta.url` (the SDK, the shim, the writer thread's worker
 * and the templates are found relative to the source files), and the files the daemon reads
 * or runs at run time stay where they are.
 */
import * as esbuild from "esbuild";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout (or /opt/plugd) this script belongs to. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
/** Where `deno task build` writes, and the entry module operators run. */
export const DIST_DIR: string = join(ROOT, "dist");
/** The bundle's entry: what the unit and the installed `plugd` command run. */
export const BUNDLE_NAME = "plugd.js";

/** The identifier each of our modules' `import.meta.url` becomes in the bundle. */
const MODULE_URL = "__plugdModuleUrl";

/**
 * Our modules, loaded with their `import.meta.url` pinned to the source file: esbuild replaces
 * the expression (never a string or comment that spells it) by a constant resolved against the
 * bundle file's own URL, so a bundle moved with its checkout still finds `sdk/`. Text imports
 * of our own assets (the console's CSS and scripts) become string modules.
 */
function moduleUrls(outDir: string): esbuild.Plugin {
  return {
    name: "plugd-module-urls",
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.with?.type !== "text") return undefined;
        return { path: join(args.resolveDir, args.path), namespace: "text" };
      });
      build.onLoad({ filter: /.*/, namespace: "text" }, async (args) => ({
        contents: await Deno.readTextFile(args.path),
        loader: "text",
      }));
      build.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        const text = await Deno.readTextFile(args.path);
        const loader = args.path.endsWith(".tsx") ? "tsx" : "ts";
        if (!text.includes("import.meta.url")) return { contents: text, loader };
        const out = await esbuild.transform(text, {
          ...TRANSPILE,
          loader,
          define: { "import.meta.url": MODULE_URL },
          sourcefile: args.path,
        });
        const source = JSON.stringify(relative(outDir, args.path));
        return {
          contents: `const ${MODULE_URL} = new URL(${source}, import.meta.url).href;\n${out.code}`,
          loader: "js",
        };
      });
    },
  };
}

/** How TypeScript and JSX become JavaScript, as deno.json's compilerOptions say. */
const TRANSPILE = {
  format: "esm",
  target: "esnext",
  jsx: "automatic",
  jsxImportSource: "hono/jsx",
} as const;

/** What {@linkcode buildDaemon} wrote. */
export interface BuiltDaemon {
  /** Absolute path of the entry module. */
  entry: string;
  files: number;
  bytes: number;
}

/** Bundles `main.ts` into `outDir` (emptied first). */
export async function buildDaemon(outDir: string = DIST_DIR): Promise<BuiltDaemon> {
  outDir = resolve(outDir);
  await Deno.remove(outDir, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  try {
    const result = await esbuild.build({
      ...TRANSPILE,
      entryPoints: { plugd: join(ROOT, "main.ts") },
      outdir: outDir,
      bundle: true,
      // Chunks next to the entry: what main.ts imports dynamically still loads on first use.
      splitting: true,
      chunkNames: "[name]-[hash]",
      platform: "neutral",
      // Every bare and npm: specifier: Deno resolves it from deno.json, the lockfile, node_modules.
      packages: "external",
      // Identifiers stay readable in stack traces and logs; whitespace is all minify would save.
      minifyWhitespace: true,
      legalComments: "none",
      metafile: true,
      logLevel: "warning",
      plugins: [moduleUrls(outDir)],
    });
    const outputs = Object.values(result.metafile.outputs);
    return {
      entry: join(outDir, BUNDLE_NAME),
      files: outputs.length,
      bytes: outputs.reduce((sum, o) => sum + o.bytes, 0),
    };
  } finally {
    await esbuild.stop();
  }
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--out");
  const built = await buildDaemon(at >= 0 ? Deno.args[at + 1] : DIST_DIR);
  console.log(`${relative(Deno.cwd(), built.entry)}: ${built.files} files, ${built.bytes} bytes`);
}
