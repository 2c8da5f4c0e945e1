import assert from "node:assert/strict";
import { assertRejections, minimal, valid } from "./_testing.ts";

Deno.test("routes: a public route takes its limits and asks for a public permission", () => {
  const m = valid(minimal({
    routes: [
      "POST /notify",
      { route: "POST /github", auth: "none", max_body_kb: 512, rate: "60/min" },
      { route: "GET /commits/:sha", auth: "none" },
      { route: "GET /slow", timeout_ms: 20_000 },
    ],
  }));
  assert.deepEqual(m.routes, [
    { method: "POST", path: "/notify" },
    { method: "POST", path: "/github", auth: "none", max_body_kb: 512, rate: "60/min" },
    { method: "GET", path: "/commits/:sha", auth: "none", max_body_kb: 64, rate: "600/min" },
    { method: "GET", path: "/slow", timeout_ms: 20_000 },
  ]);
  assert.deepEqual(m.permissions, { public: ["POST /github", "GET /commits/:sha"] });
});

Deno.test("routes: public-route mistakes are named with their fix", () => {
  const r = (route: Record<string, unknown>, field: string, says: string) => ({
    why: JSON.stringify(route),
    doc: { routes: [route] },
    field,
    says,
  });
  assertRejections([
    r({ route: "POST /x", auth: "public" }, "routes[0].auth", '"none"'),
    r({ route: "POST /x", auth: "none", max_body_kb: 4096 }, "routes[0].max_body_kb", "1024"),
    r({ route: "POST /x", auth: "none", rate: "fast" }, "routes[0].rate", "60/min"),
    r({ route: "POST /x", auth: "none", rate: "0/s" }, "routes[0].rate", "count 1"),
    r({ route: "POST /x", rate: "5/s" }, "routes[0].rate", "auth: none"),
    r({ route: "POST /x", auth: "none", extra: 1 }, "routes[0].extra", "unknown key"),
    r({ route: "POST /a/:id/:id", auth: "none" }, "routes[0].route", "twice"),
    {
      why: "public written by hand",
      doc: { permissions: { public: ["POST /x"] } },
      field: "permissions.public",
      says: "auth: none",
    },
  ]);
});

Deno.test("commands: names, summaries, args and secret arguments", () => {
  const m = valid(minimal({
    commands: [
      { name: "notify", summary: "Send a message", args: "[--channel NAME] <text>" },
      { name: "login", summary: "Sign in", args: "<user> <password>", secret: ["password"] },
    ],
  }));
  assert.deepEqual(m.commands, [
    { name: "notify", summary: "Send a message", args: "[--channel NAME] <text>", secret: [] },
    { name: "login", summary: "Sign in", args: "<user> <password>", secret: ["password"] },
  ]);
  assert.equal(valid(minimal({})).commands, undefined, "absent stays absent");
  assertRejections([
    {
      why: "bad name",
      doc: { commands: [{ name: "Notify", summary: "x" }] },
      field: "commands[0].name",
    },
    { why: "no summary", doc: { commands: [{ name: "a" }] }, field: "commands[0].summary" },
    {
      why: "unknown secret",
      doc: { commands: [{ name: "a", summary: "x", args: "<t>", secret: ["pw"] }] },
      field: "commands[0].secret[0]",
      says: "<name> or --name",
    },
    {
      why: "twice",
      doc: { commands: [{ name: "a", summary: "x" }, { name: "a", summary: "y" }] },
      field: "commands[1].name",
    },
  ]);
});

Deno.test("ui: pages and widgets ask for the ui permission", () => {
  const m = valid(minimal({
    ui: {
      pages: [{ id: "pipelines", title: "Pipelines", path: "ui/index.html" }],
      widgets: [{ id: "status", title: "CI status", path: "ui/widget.html", slot: "overview" }],
    },
  }));
  assert.deepEqual(m.ui?.widgets, [
    { id: "status", title: "CI status", path: "ui/widget.html", slot: "overview" },
  ]);
  assert.deepEqual(m.permissions, { ui: ["page:pipelines", "widget:status@overview"] });
  const page = (p: Record<string, unknown>) => ({ ui: { pages: [p] } });
  assertRejections([
    {
      why: "traversal",
      doc: page({ id: "a", title: "A", path: "../x.html" }),
      field: "ui.pages[0].path",
    },
    {
      why: "absolute",
      doc: page({ id: "a", title: "A", path: "/x.html" }),
      field: "ui.pages[0].path",
    },
    {
      why: "not html",
      doc: page({ id: "a", title: "A", path: "ui/x.js" }),
      field: "ui.pages[0].path",
    },
    {
      why: "reserved folder",
      doc: page({ id: "a", title: "A", path: "_plugd/x.html" }),
      field: "ui.pages[0].path",
      says: "@plugd/sdk/ui",
    },
    {
      why: "bad slot",
      doc: { ui: { widgets: [{ id: "a", title: "A", path: "a.html", slot: "sidebar" }] } },
      field: "ui.widgets[0].slot",
    },
    {
      why: "ui written by hand",
      doc: { permissions: { ui: ["page:x"] } },
      field: "permissions.ui",
      says: "ui: section",
    },
  ]);
});
