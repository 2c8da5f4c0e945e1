import { definePlugin } from "@plugd/sdk";

/** Handlers measured by bench/: a public webhook route and a command, both answering at once. */
export default definePlugin({
  routes: { "POST /in": () => new Response(null, { status: 202 }) },
  commands: {
    echo: (args, ctx) => {
      ctx.out.write(`${args[0] ?? "ok"}\n`);
      return 0;
    },
  },
});
