import { definePlugin } from "@plugd/sdk";

export default definePlugin({ tasks: { "bench.noop": (input) => input } });
