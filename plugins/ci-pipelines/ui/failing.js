// The overview widget: the pipelines whose last result on their branch is a failure.
import { connect } from "../_plugd/ui.js";
import { badge, el, link } from "./_dom.js";

const ui = connect();
ui.onContext(({ theme }) => (document.documentElement.dataset.theme = theme));

const res = await ui.request("GET", "/failing");
const summary = document.getElementById("summary");
if (!res.ok) {
  summary.textContent = `Could not load (HTTP ${res.status}).`;
} else {
  const { failing } = await res.json();
  summary.textContent = failing.length === 0
    ? "All pipelines green."
    : `${failing.length} failing pipeline(s):`;
  document.getElementById("failing").append(
    ...failing.map((l) =>
      el(
        "li",
        { "data-failing": `${l.repo} ${l.branch} ${l.name}` },
        badge(l.status),
        " ",
        link(l.url, `${l.repo} ${l.branch || "(tag)"} ${l.name}`),
        ` at ${l.sha.slice(0, 10)}`,
      )
    ),
  );
}
ui.resize();
