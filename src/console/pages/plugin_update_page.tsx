/** Update a plugin from a folder (dev mode), an archive path, or a registry version. */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import type { PluginView } from "../types.ts";
import { Csrf, Section } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { PluginHeader } from "../ui/plugin_header.tsx";

/** The update form. */
export function PluginUpdatePage(
  props: { ctx: PageContext; view: PluginView; source?: string; error?: string },
): Child {
  const { ctx, view: v } = props;
  return (
    <Layout ctx={ctx} title={`Update ${v.manifest.name}`} active="plugins" live>
      <PluginHeader ctx={ctx} view={v} tab="" />
      <Section title={`Update from version ${v.version}`} id="update">
        {props.error && <p class="flash flash-error" role="alert">{inert(props.error)}</p>}
        <form method="post" action={`/ui/plugins/${v.id}/update`} class="stack">
          <Csrf token={ctx.session!.csrf} />
          <div class="field">
            <label for="update-source">New version from</label>
            <input
              id="update-source"
              name="source"
              type="text"
              required
              value={props.source ?? ""}
              placeholder={ctx.dev
                ? "/path/to/folder, /path/to/plugin.tgz or @^2.0"
                : "/path/to/plugin.tgz or @^2.0"}
              aria-describedby="update-hint"
            />
            <p class="hint" id="update-hint">
              A path on the daemon's host to a signed <code>.tgz</code>
              {ctx.dev ? " or (dev mode) a folder" : ""}, or <code>@range</code>{" "}
              to take the highest matching version from the registries. If the new version asks for
              more permissions, nothing new is granted until you approve the difference.
            </p>
          </div>
          <label class="small">
            <input type="checkbox" name="allow_downgrade" /> allow installing an older version
          </label>
          <p>
            <button type="submit" class="primary">Update</button>
          </p>
        </form>
      </Section>
    </Layout>
  );
}
