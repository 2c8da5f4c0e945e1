import { definePlugin } from "@plugd/sdk";
import YAML from "yaml";

export default definePlugin({
  filters: { "yaml.parse": (data) => YAML.parse(String(data)) },
});
