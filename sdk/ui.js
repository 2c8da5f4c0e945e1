// @ts-self-types="./ui.d.ts"
/**
 * `@plugd/sdk/ui`: the bridge a plugin's console page or widget uses from inside its sandboxed
 * frame. The frame has no network access of its own (its CSP says `connect-src 'none'`) and no
 * access to the console; it asks the console page, by `postMessage`, to call one of its own
 * plugin's declared routes with the operator's session, and gets the answer back. The console
 * sends the theme (light/dark) and the frame's size. Plain JavaScript, served as is by plugd at
 * `_plugd/ui.js` next to your files: `<script type="module" src="../_plugd/ui.js">` or
 * `import { connect } from "../_plugd/ui.js"`.
 *
 * @module
 */

const PROTOCOL = 1;
const TIMEOUT_MS = 30_000;

let bridge;

/**
 * The frame's bridge to the console (one per frame).
 *
 * @example
 * ```js
 * import { connect } from "../_plugd/ui.js";
 * const ui = connect();
 * ui.onContext(({ theme }) => document.documentElement.dataset.theme = theme);
 * const res = await ui.request("GET", "/status");
 * document.querySelector("#out").textContent = JSON.stringify(await res.json());
 * ```
 */
export function connect() {
  bridge ??= createBridge();
  return bridge;
}

function createBridge() {
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();
  let context = null;

  globalThis.addEventListener("message", (event) => {
    if (event.source !== globalThis.parent) return; // only the console page speaks to us
    const m = event.data;
    if (!m || typeof m !== "object" || m.plugd !== PROTOCOL) return;
    if (m.type === "context") {
      context = {
        theme: m.theme,
        width: m.width,
        height: m.height,
        plugin: m.plugin,
        canWrite: m.canWrite === true,
      };
      for (const listener of listeners) listener(context);
    } else if (m.type === "response" && pending.has(m.id)) {
      const { resolve, reject, timer } = pending.get(m.id);
      pending.delete(m.id);
      clearTimeout(timer);
      if (m.ok) resolve(toResponse(m));
      else reject(new Error(m.error || "the console refused the request"));
    }
  });
  const post = (message) => globalThis.parent.postMessage({ plugd: PROTOCOL, ...message }, "*");
  post({ type: "ready" });

  return Object.freeze({
    /**
     * Calls `method path` of this plugin's own routes (as declared in plugin.yaml, without the
     * `/v1/plugins/<id>/routes` prefix). Resolves to a Response-like object.
     */
    request(method, path, init = {}) {
      const id = nextId++;
      // "/runs?branch=main" works like ("/runs", {query: {branch: "main"}}): the console matches
      // the path alone against the declared routes and passes the query on.
      const text = String(path);
      const mark = text.indexOf("?");
      const query = new URLSearchParams(mark < 0 ? "" : text.slice(mark + 1));
      if (init.query !== undefined) {
        for (const [k, v] of new URLSearchParams(init.query)) query.append(k, v);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no answer from the console within ${TIMEOUT_MS} ms`));
        }, TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        post({
          type: "request",
          id,
          method: String(method).toUpperCase(),
          path: mark < 0 ? text : text.slice(0, mark),
          query: String(query),
          body: init.body === undefined
            ? undefined
            : typeof init.body === "string"
            ? init.body
            : JSON.stringify(init.body),
          contentType: init.contentType ??
            (init.body !== undefined && typeof init.body !== "string" ? "application/json" : ""),
        });
      });
    },
    /** The latest context from the console (`{theme, width, height, plugin, canWrite}`), or null. */
    get context() {
      return context;
    },
    /** Calls `listener` with each context (now, if one arrived already). Returns an unsubscribe. */
    onContext(listener) {
      listeners.add(listener);
      if (context) listener(context);
      return () => listeners.delete(listener);
    },
    /** Asks the console to give the frame `height` pixels (default: the document's height). */
    resize(height = document.documentElement.scrollHeight) {
      post({ type: "resize", height: Math.ceil(Number(height)) });
    },
  });
}

function toResponse(m) {
  const body = typeof m.body === "string" ? m.body : "";
  return Object.freeze({
    status: m.status,
    ok: m.status >= 200 && m.status < 300,
    contentType: m.contentType || "",
    text: () => Promise.resolve(body),
    json: () => Promise.resolve(JSON.parse(body)),
  });
}
