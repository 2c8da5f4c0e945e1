import { ApiClient } from "./client.ts";
import type { Command } from "./command.ts";
import { print } from "./output.ts";

/** `plugd ui`: a one-time sign-in link for the web console (a short-lived code, never a token). */
export const uiCommand: Command = {
  path: "ui",
  args: "",
  summary: "print a one-time web console sign-in link (valid 2 minutes, once)",
  arity: [0, 0],
  options: {},
  async run(ctx) {
    using client = ApiClient.fromContext(ctx);
    const link = await client.request<{ code: string; url: string; expires_at: string }>(
      "POST",
      "/v1/ui/login-codes",
      {},
    );
    const port = new URL(link.url).port || "80";
    print(ctx, link, () =>
      [
        `Open this link to sign in to the web console (once, until ${link.expires_at}):`,
        "",
        `  ${link.url}`,
        "",
        `Code: ${link.code}. From another machine, forward the port first ` +
        `(ssh -L ${port}:127.0.0.1:${port} <host>) and open the same link there.`,
      ].join("\n"));
    return 0;
  },
};
