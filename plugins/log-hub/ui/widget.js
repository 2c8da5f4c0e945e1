// Overview widget: errors in the last hour and the most frequent error messages.
import { connect } from "../_plugd/ui.js";

const ui = connect();
ui.onContext(({ theme }) => (document.documentElement.dataset.theme = theme));
const res = await ui.request("GET", "/stats", { query: { since: "1h" } });
const s = await res.json();
document.getElementById("errors").textContent = String(
  (s.levels.error ?? 0) + (s.levels.fatal ?? 0),
);
document.getElementById("total").textContent = String(s.total);
document.getElementById("top").replaceChildren(
  ...s.top_errors.slice(0, 3).map((e) => {
    const li = document.createElement("li");
    li.textContent = `${e.count}  ${e.msg}`;
    return li;
  }),
);
ui.resize();
