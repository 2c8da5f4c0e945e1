// The Logs page: search, per-minute chart, top lists and a live tail. It runs in a sandboxed
// frame with no network of its own: every call goes through the bridge to log-hub's own routes.
// The live tail is a long poll on GET /tail (each request waits up to 15 s for new lines).
import { connect } from "../_plugd/ui.js";

const ui = connect();
ui.onContext(({ theme }) => (document.documentElement.dataset.theme = theme));

const $ = (id) => document.getElementById(id);
const tbody = document.querySelector("#results tbody");
const SVG = "http://www.w3.org/2000/svg";
let liveRun = 0;

function row(hit, fresh) {
  const tr = document.createElement("tr");
  tr.className = `${hit.level ?? ""}${fresh ? " new" : ""}`;
  const extra = [hit.status ? `status=${hit.status}` : "", hit.path ? `path=${hit.path}` : ""]
    .filter(Boolean).join(" ");
  for (
    const [text, cls] of [
      [hit.time.replace("T", " ").slice(0, 23), ""],
      [hit.level ?? "-", ""],
      [hit.source, ""],
      [extra && !hit.msg.includes(hit.path ?? "\0") ? `${hit.msg}  [${extra}]` : hit.msg, "msg"],
    ]
  ) {
    const td = document.createElement("td");
    td.textContent = text; // never innerHTML: log lines are untrusted
    if (cls) td.className = cls;
    tr.append(td);
  }
  return tr;
}

function list(el, items, text) {
  el.replaceChildren(...items.map((it) => {
    const li = document.createElement("li");
    li.textContent = text(it);
    return li;
  }));
}

function chart(minutes) {
  const svg = $("chart");
  svg.replaceChildren();
  const max = Math.max(1, ...minutes.map((m) => m.total));
  const w = 600 / Math.max(minutes.length, 1);
  minutes.forEach((m, i) => {
    const errors = (m.levels.error ?? 0) + (m.levels.fatal ?? 0);
    for (const [n, cls] of [[m.total, "all"], [errors, "err"]]) {
      const r = document.createElementNS(SVG, "rect");
      const h = (n / max) * 80;
      r.setAttribute("x", String(i * w));
      r.setAttribute("y", String(80 - h));
      r.setAttribute("width", String(Math.max(w - 1, 1)));
      r.setAttribute("height", String(h));
      r.setAttribute("class", cls);
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${m.minute}: ${m.total} lines, ${errors} errors`;
      r.append(title);
      svg.append(r);
    }
  });
}

async function getJson(path, query) {
  const res = await ui.request("GET", path, { query });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${path} answered ${res.status}`);
  return body;
}

async function search() {
  const q = $("q").value;
  const since = $("since").value;
  $("status").textContent = "searching…";
  try {
    const [found, stats] = await Promise.all([
      getJson("/search", { q, ...(since ? { since } : {}), limit: "200" }),
      getJson("/stats", { since: since || "7d" }),
    ]);
    tbody.replaceChildren(...found.hits.map((h) => row(h, false)));
    document.body.dataset.searched = String(Number(document.body.dataset.searched ?? 0) + 1);
    $("status").textContent = `${found.hits.length} lines${found.partial ? " (partial)" : ""}`;
    chart(stats.minutes);
    list($("levels"), Object.entries(stats.levels), ([k, n]) => `${k}: ${n}`);
    list($("paths"), stats.top_paths, (p) => `${p.count}  ${p.path}`);
    list($("errors"), stats.top_errors, (e) => `${e.count}  ${e.msg}`);
    if ($("live").checked) follow(found.lastId);
  } catch (e) {
    $("status").textContent = e.message;
  }
}

async function follow(after) {
  const run = ++liveRun;
  while (run === liveRun && $("live").checked) {
    try {
      document.body.dataset.live = "waiting"; // a long poll is out: new lines arrive through it
      const r = await getJson("/tail", { after: String(after), q: $("q").value, wait: "15" });
      document.body.dataset.live = "answered";
      if (run !== liveRun) return;
      for (const h of r.hits) tbody.prepend(row(h, true));
      while (tbody.rows.length > 500) tbody.lastElementChild.remove();
      after = r.lastId;
      $("status").textContent = `live: ${tbody.rows.length} lines shown`;
    } catch (e) {
      $("status").textContent = `live tail paused: ${e.message}`;
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
}

$("search").addEventListener("submit", (e) => {
  e.preventDefault();
  search();
});
$("live").addEventListener("change", () => {
  if ($("live").checked) search();
  else {
    liveRun++;
    delete document.body.dataset.live;
  }
});
search();
