// The pipelines page: for each repo, every branch's pipelines with their last result, and the
// recent runs as a status history (newest first). Data through the bridge: GET /pipelines.
import { connect } from "../_plugd/ui.js";
import { badge, el, link } from "./_dom.js";

const ui = connect();
ui.onContext(({ theme }) => (document.documentElement.dataset.theme = theme));

function repoSection(repo, lanes, runs) {
  const laneRows = lanes.map((l) =>
    el(
      "tr",
      { "data-lane": `${l.branch}/${l.name}` },
      el("td", {}, l.branch || "(tag)"),
      el("td", {}, l.name),
      el("td", {}, badge(l.status)),
      el("td", {}, link(l.url, l.sha.slice(0, 10))),
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
    )
  );
  const head = (...names) => el("tr", {}, ...names.map((n) => el("th", {}, n)));
  return el(
    "section",
    { "data-repo": repo },
    el("h2", {}, repo),
    el("table", {}, head("Branch", "Pipeline", "Last result", "Commit", "History"), ...laneRows),
    el(
      "details",
      {},
      el("summary", {}, "Recent runs"),
      el("table", {}, head("ID", "Pipeline", "Branch", "Commit", "Status", "Updated"), ...runRows),
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
