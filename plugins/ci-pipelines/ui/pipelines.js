// The pipelines page: for each repo, every branch's pipelines with their last result, and the
// recent runs as a status history (newest first). Data through the bridge: GET /pipelines. A
// failed or cancelled GitHub/GitLab run has a Retry button: POST /pipelines/:id/retry through the
// bridge, which the console sends as the signed-in session (an operator may, a reader may not, so
// a reader's page shows no button).
import { connect } from "../_plugd/ui.js";
import { badge, el, link } from "./_dom.js";

const ui = connect();
// Until the console says the session may change things, no Retry button shows (a reader's click
// would only be refused).
let canWrite = false;
ui.onContext((context) => {
  document.documentElement.dataset.theme = context.theme;
  canWrite = context.canWrite === true;
  for (const b of document.querySelectorAll("button[data-retry]")) b.hidden = !canWrite;
});

const RETRIED = new Set(["failed", "cancelled"]);

/** A Retry button for run `id` and the place its outcome is shown. */
function retryCell(id, status, retryable) {
  if (!RETRIED.has(status) || !retryable) return el("td", {});
  const button = el("button", { type: "button", "data-retry": String(id) }, "Retry");
  button.hidden = !canWrite;
  return el(
    "td",
    {},
    button,
    " ",
    el("span", { class: "retry-result", "data-retry-result": String(id), role: "status" }),
  );
}

/** What the retry route (or the console) answered, as one line of text. */
async function retryOutcome(res) {
  const body = await res.json().catch(() => null);
  if (res.ok) return `Retry requested (the provider answered HTTP ${body?.status ?? "?"}).`;
  if (res.status === 403) {
    return "Not allowed: this session may only read; sign in with an operator token to retry.";
  }
  return `Retry failed: ${body?.error ?? body?.detail ?? `HTTP ${res.status}`}`;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest?.("button[data-retry]");
  if (!button) return;
  const id = button.dataset.retry;
  const buttons = [...document.querySelectorAll(`button[data-retry="${id}"]`)];
  const results = [...document.querySelectorAll(`[data-retry-result="${id}"]`)];
  const show = (text, state) => {
    for (const r of results) (r.textContent = text, r.dataset.state = state);
  };
  for (const b of buttons) b.disabled = true;
  show("Retrying…", "pending");
  let text;
  let ok = false;
  try {
    const res = await ui.request("POST", `/pipelines/${encodeURIComponent(id)}/retry`);
    ok = res.ok;
    text = await retryOutcome(res);
  } catch (error) {
    text = `Retry failed: ${error.message}`;
  }
  show(text, ok ? "done" : "error");
  if (!ok) { for (const b of buttons) b.disabled = false; }
  ui.resize();
});

function repoSection(repo, lanes, runs) {
  const laneRows = lanes.map((l) =>
    el(
      "tr",
      { "data-lane": `${l.branch}/${l.name}` },
      el("td", {}, l.branch || "(tag)"),
      el("td", {}, l.name),
      el("td", {}, badge(l.status)),
      el("td", {}, link(l.url, l.sha.slice(0, 10))),
      retryCell(l.pipeline_id, l.status, l.retryable),
      el(
        "td",
        { class: "history" },
        ...runs.filter((r) => r.branch === (l.branch || null) && r.name === l.name).slice(0, 20)
          .map((r) =>
            el("span", {
              class: `status-${r.status}`,
              title: `${r.status} ${r.sha.slice(0, 10)} ${r.updated_at}`,
            })
          ),
      ),
    )
  );
  const runRows = runs.slice(0, 20).map((r) =>
    el(
      "tr",
      { "data-run": String(r.id) },
      el("td", {}, String(r.id)),
      el("td", {}, r.name),
      el("td", {}, r.branch ?? ""),
      el("td", {}, link(r.url, r.sha.slice(0, 10))),
      el("td", {}, badge(r.status)),
      el("td", {}, r.updated_at),
      retryCell(r.id, r.status, r.retry_ref !== null),
    )
  );
  const head = (...names) => el("tr", {}, ...names.map((n) => el("th", {}, n)));
  return el(
    "section",
    { "data-repo": repo },
    el("h2", {}, repo),
    el(
      "table",
      {},
      head("Branch", "Pipeline", "Last result", "Commit", "", "History"),
      ...laneRows,
    ),
    el(
      "details",
      {},
      el("summary", {}, "Recent runs"),
      el(
        "table",
        {},
        head("ID", "Pipeline", "Branch", "Commit", "Status", "Updated", ""),
        ...runRows,
      ),
    ),
  );
}

const res = await ui.request("GET", "/pipelines?limit=500");
const summary = document.getElementById("summary");
if (!res.ok) {
  summary.textContent = `Could not load the pipelines (HTTP ${res.status}).`;
} else {
  const { pipelines, lanes } = await res.json();
  const repos = [...new Set([...lanes.map((l) => l.repo), ...pipelines.map((p) => p.repo)])].sort();
  const failing = lanes.filter((l) => l.status === "failed").length;
  summary.textContent = repos.length === 0
    ? "No pipeline has reported yet."
    : `${repos.length} repositories, ${failing} failing pipeline(s).`;
  document.getElementById("repos").append(
    ...repos.map((repo) =>
      repoSection(
        repo,
        lanes.filter((l) => l.repo === repo),
        pipelines.filter((p) => p.repo === repo),
      )
    ),
  );
}
ui.resize();
