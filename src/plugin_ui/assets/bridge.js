// plugd console: the parent half of the plugin-frame bridge (@plugd/sdk/ui is the other half).
// A frame is identified by the window its messages come from (event.source), never by anything
// the message says; it may ask only for its own plugin's declared routes. Everything else is
// dropped and counted (reported to the daemon once a second). No eval, no HTML from strings.
(function () {
  "use strict";
  if (globalThis.plugdBridge) return;
  globalThis.plugdBridge = true;

  const PROTOCOL = 1;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  const frames = () => Array.from(document.querySelectorAll("iframe[data-plugd-frame]"));
  const dark = globalThis.matchMedia("(prefers-color-scheme: dark)");

  const drops = {};
  let flushTimer = null;
  function drop(plugin, reason) {
    const counts = drops[plugin] || (drops[plugin] = {});
    counts[reason] = (counts[reason] || 0) + 1;
    if (flushTimer === null) flushTimer = setTimeout(flush, 1000);
  }
  function flush() {
    flushTimer = null;
    const counts = Object.assign({}, drops);
    for (const key of Object.keys(drops)) delete drops[key];
    post("/ui/x/plugin-ui/dropped", { counts }).catch(() => {});
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body),
    });
  }

  function sendContext(frame) {
    if (!frame.contentWindow) return;
    frame.contentWindow.postMessage({
      plugd: PROTOCOL,
      type: "context",
      theme: dark.matches ? "dark" : "light",
      width: frame.clientWidth,
      height: frame.clientHeight,
      plugin: frame.dataset.plugin,
      canWrite: frame.dataset.canWrite === "true",
    }, "*");
  }

  function declared(frame, method, path) {
    let routes = [];
    try {
      routes = JSON.parse(frame.dataset.routes || "[]");
    } catch (_) {
      return false;
    }
    const got = path.split("/");
    return routes.some((route) => {
      const space = route.indexOf(" ");
      const want = route.slice(space + 1).split("/");
      const m = route.slice(0, space);
      if (m !== method && !(method === "HEAD" && m === "GET")) return false;
      return want.length === got.length &&
        want.every((w, i) => (w.startsWith(":") ? got[i] !== "" : w === got[i]));
    });
  }

  globalThis.addEventListener("message", async (event) => {
    const frame = frames().find((f) => f.contentWindow === event.source);
    const m = event.data;
    if (!frame) {
      if (m && typeof m === "object" && m.plugd === PROTOCOL) drop("unknown", "foreign");
      return;
    }
    const plugin = frame.dataset.plugin;
    if (!m || typeof m !== "object" || m.plugd !== PROTOCOL) return drop(plugin, "malformed");
    if (m.type === "ready") return sendContext(frame);
    if (m.type === "resize") {
      const height = Number(m.height);
      if (!Number.isFinite(height)) return drop(plugin, "malformed");
      frame.height = String(Math.max(60, Math.min(4000, Math.ceil(height))));
      return;
    }
    if (m.type !== "request" || typeof m.id !== "number") return drop(plugin, "malformed");
    const reply = (answer) =>
      event.source.postMessage(
        Object.assign({ plugd: PROTOCOL, type: "response", id: m.id }, answer),
        "*",
      );
    const method = typeof m.method === "string" ? m.method.toUpperCase() : "";
    if (typeof m.path !== "string" || !declared(frame, method, m.path)) {
      drop(plugin, "undeclared");
      return reply({ ok: false, error: `refused: not a route of plugin ${plugin}` });
    }
    try {
      const res = await post(`/ui/x/plugin-ui/bridge/${encodeURIComponent(plugin)}`, {
        method,
        path: m.path,
        query: typeof m.query === "string" ? m.query : "",
        body: typeof m.body === "string" ? m.body : undefined,
        contentType: typeof m.contentType === "string" ? m.contentType : undefined,
      });
      const answer = await res.json();
      if (res.ok) {
        reply({
          ok: true,
          status: answer.status,
          contentType: answer.contentType,
          body: answer.body,
        });
      } else reply({ ok: false, error: answer.error || answer.detail || `HTTP ${res.status}` });
    } catch (error) {
      reply({ ok: false, error: String(error) });
    }
  });

  const all = () => frames().forEach(sendContext);
  globalThis.addEventListener("resize", all);
  dark.addEventListener("change", all);
  frames().forEach((f) => f.addEventListener("load", () => sendContext(f)));
})();
