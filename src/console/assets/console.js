// plugd console: progressive enhancement only. Every page works without this file; it adds the
// CSRF header to htmx requests, log pause/filter/search, and copy buttons. No eval, no inline
// handlers, no HTML built from strings: new log lines arrive as server-rendered, escaped HTML.
(function () {
  "use strict";

  const csrf = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", (event) => {
    if (csrf) event.detail.headers["X-CSRF-Token"] = csrf.getAttribute("content");
  });

  const LEVELS = { debug: 0, info: 1, warn: 2, error: 3 };
  const MAX_LINES = 2000;

  function setupLog(panel) {
    const list = panel.querySelector("ol.log");
    const pause = panel.querySelector("[data-log-pause]");
    const level = panel.querySelector("[data-log-level]");
    const search = panel.querySelector("[data-log-search]");
    const held = panel.querySelector("[data-log-held]");
    if (!list) return;
    let paused = false;
    let heldCount = 0;

    const visible = (li) => {
      const min = LEVELS[level ? level.value : "debug"] ?? 0;
      const text = search ? search.value.trim().toLowerCase() : "";
      const lineLevel = LEVELS[li.dataset.level] ?? 1;
      return lineLevel >= min && (!text || li.textContent.toLowerCase().includes(text));
    };
    const apply = (li) => {
      li.classList.toggle("hidden", !visible(li) || li.classList.contains("held"));
    };
    const applyAll = () => list.querySelectorAll("li").forEach(apply);
    const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    const showHeld = () => {
      if (held) held.textContent = heldCount > 0 ? `${heldCount} new lines held` : "";
    };

    let stick = true;
    list.addEventListener("scroll", () => {
      stick = atBottom();
    });
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType !== 1 || node.tagName !== "LI") continue;
          if (paused) {
            node.classList.add("held");
            heldCount++;
          }
          apply(node);
        }
      }
      while (list.children.length > MAX_LINES) list.firstElementChild.remove();
      showHeld();
      if (!paused && stick) list.scrollTop = list.scrollHeight;
    }).observe(list, { childList: true });

    if (pause) {
      pause.hidden = false;
      pause.addEventListener("click", () => {
        paused = !paused;
        pause.setAttribute("aria-pressed", String(paused));
        pause.textContent = paused ? "Resume" : "Pause";
        if (!paused) {
          list.querySelectorAll("li.held").forEach((li) => li.classList.remove("held"));
          heldCount = 0;
          showHeld();
          applyAll();
          list.scrollTop = list.scrollHeight;
        }
      });
    }
    if (level) level.addEventListener("change", applyAll);
    if (search) search.addEventListener("input", applyAll);
    applyAll();
    list.scrollTop = list.scrollHeight;
  }

  function setupCopy(button) {
    const target = document.getElementById(button.dataset.copy);
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(target.textContent.trim());
        button.textContent = "Copied";
      } catch {
        button.textContent = "Copy failed: select the text";
      }
    });
  }

  function start() {
    document.querySelectorAll("[data-log-panel]").forEach(setupLog);
    document.querySelectorAll("button[data-copy]").forEach(setupCopy);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
