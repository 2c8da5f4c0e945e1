/**
 * The console's static assets: pinned npm packages (htmx, its SSE extension, uPlot) and the
 * console's own CSS and script, imported as text so they are part of the module graph (cached
 * by `deno install` and checked against deno.lock; nothing is fetched at run time). Each is
 * served under a content-hashed name with a one-year immutable cache and precompressed bodies.
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import htmxSse from "htmx-ext-sse/dist/sse.min.js" with { type: "text" };
import uplot from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import consoleCss from "./assets/console.css" with { type: "text" };
import consoleJs from "./assets/console.js" with { type: "text" };
import chartsJs from "./assets/charts.js" with { type: "text" };
import favicon from "./assets/favicon.svg" with { type: "text" };

/** Logical asset names, as pages refer to them. */
export type AssetName =
  | "console.css"
  | "console.js"
  | "htmx.js"
  | "htmx-sse.js"
  | "uplot.js"
  | "uplot.css"
  | "charts.js"
  | "favicon.svg";

/** One served asset. */
export interface Asset {
  name: AssetName;
  /** `/ui/assets/<stem>.<hash>.<ext>` */
  url: string;
  contentType: string;
  body: Uint8Array;
  gzip: Uint8Array;
  brotli: Uint8Array;
}

const SOURCES: Record<AssetName, string> = {
  "console.css": consoleCss,
  "console.js": consoleJs,
  "htmx.js": htmx,
  "htmx-sse.js": htmxSse,
  "uplot.js": uplot,
  "uplot.css": uplotCss,
  "charts.js": chartsJs,
  "favicon.svg": favicon,
};

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
};

/** Every asset, hashed and compressed once per process. */
export class AssetTable {
  readonly #byName = new Map<AssetName, Asset>();
  readonly #byUrl = new Map<string, Asset>();

  /** Hashes and compresses every asset (≈ 0.1 s once, at daemon start). */
  static async build(): Promise<AssetTable> {
    const table = new AssetTable();
    for (const [name, text] of Object.entries(SOURCES) as [AssetName, string][]) {
      const body = new TextEncoder().encode(text);
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
      const hash = Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
      const dot = name.lastIndexOf(".");
      const ext = name.slice(dot + 1);
      const asset: Asset = {
        name,
        url: `/ui/assets/${name.slice(0, dot)}.${hash}.${ext}`,
        contentType: TYPES[ext]!,
        body,
        gzip: gzipSync(body, { level: 9 }),
        brotli: brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
      };
      table.#byName.set(name, asset);
      table.#byUrl.set(asset.url, asset);
    }
    return table;
  }

  /** The hashed URL of `name`. */
  url(name: AssetName): string {
    return this.#byName.get(name)!.url;
  }

  /** The asset served at `path`, or undefined (an old hash or an unknown name). */
  byUrl(path: string): Asset | undefined {
    return this.#byUrl.get(path);
  }

  /** Compressed (brotli) bytes of the named assets: what a page costs a first-time visitor. */
  compressedBytes(names: readonly AssetName[]): number {
    return names.reduce((sum, n) => sum + this.#byName.get(n)!.brotli.length, 0);
  }
}

/** Answers a GET for an asset, choosing brotli, gzip or identity from Accept-Encoding. */
export function assetResponse(asset: Asset, acceptEncoding: string | undefined): Response {
  const accepts = (coding: string) =>
    new RegExp(`\\b${coding}\\b(?!;q=0(\\.0*)?\\b)`).test(acceptEncoding ?? "");
  const [body, encoding] = accepts("br")
    ? [asset.brotli, "br"]
    : accepts("gzip")
    ? [asset.gzip, "gzip"]
    : [asset.body, null];
  const headers = new Headers({
    "content-type": asset.contentType,
    "cache-control": "public, max-age=31536000, immutable",
    vary: "accept-encoding",
  });
  if (encoding) headers.set("content-encoding", encoding);
  return new Response(body as Uint8Array<ArrayBuffer>, { headers });
}
