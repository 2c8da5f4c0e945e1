import assert from "node:assert/strict";
import { bwrapArgs } from "./bwrap_args.ts";

const pairs = (args: string[], flag: string) =>
  args.flatMap((a, i) => a === flag ? [`${args[i + 1]} ${args[i + 2] ?? ""}`.trim()] : []);

Deno.test("bwrapArgs() makes every parent folder 0755 first, then binds parents before children", () => {
  const args = bwrapArgs({
    root: true,
    shareNet: false,
    ro: [
      { src: "/srv/p", dest: "/plugin" },
      { src: "/usr/lib/x/libc.so.6", dest: "/lib/x/libc.so.6" },
      { src: "/srv/etc-ssl", dest: "/etc/ssl" },
    ],
    roTry: [{ src: "/etc/ssl/certs", dest: "/etc/ssl/certs" }],
    chdir: "/plugin",
  });
  const dirs = args.flatMap((a, i) => a === "--dir" ? [args[i + 1]] : []);
  assert.deepEqual(dirs, ["/etc", "/lib", "/etc/ssl", "/lib/x"]);
  assert.ok(args.indexOf("--dir") < args.indexOf("--ro-bind"));
  assert.equal(args[args.indexOf("--dir") - 1], "0755");
  const binds = [...pairs(args, "--ro-bind"), ...pairs(args, "--ro-bind-try")];
  assert.deepEqual(binds, [
    "/srv/p /plugin",
    "/srv/etc-ssl /etc/ssl",
    "/usr/lib/x/libc.so.6 /lib/x/libc.so.6",
    "/etc/ssl/certs /etc/ssl/certs",
  ]);
  assert.ok(args.indexOf("/etc/ssl") < args.indexOf("/etc/ssl/certs"));
});

Deno.test("bwrapArgs() as a user unshares everything; as root every namespace but the user one", () => {
  const base = { ro: [], chdir: "/" };
  assert.deepEqual(bwrapArgs({ ...base, root: false, shareNet: true }).slice(0, 2), [
    "--unshare-all",
    "--share-net",
  ]);
  const root = bwrapArgs({ ...base, root: true, shareNet: false });
  assert.ok(!root.includes("--unshare-all") && !root.includes("--unshare-user"));
  for (const ns of ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net"]) {
    assert.ok(root.includes(ns), ns);
  }
});

Deno.test("bwrapArgs() refuses relative mount paths", () => {
  assert.throws(
    () => bwrapArgs({ root: false, shareNet: false, ro: [{ src: "p", dest: "/p" }], chdir: "/" }),
    TypeError,
  );
});
