// Runs inside a sandboxed frame: no network and no console access of its own. The bridge
// (served by plugd at _plugd/ui.js) calls this plugin's declared routes with the operator's
// session; reader sessions may call GET routes only.
import { connect } from "../_plugd/ui.js";

const ui = connect();
ui.onContext(({ theme }) => (document.documentElement.dataset.theme = theme));
const res = await ui.request("GET", "/status");
document.getElementById("deployments").textContent = String((await res.json()).deployments);
ui.resize();
