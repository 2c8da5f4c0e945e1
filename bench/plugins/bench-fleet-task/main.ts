import { definePlugin } from "@plugd/sdk";

export default definePlugin({ tasks: { "bench.fleet": (input) => input } });
