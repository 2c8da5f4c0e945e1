/** Removing a plugin asks once; removing it with its data (purge) asks a second time. */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import type { PluginView } from "../types.ts";
import { Csrf } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** The confirmation page; `purge` is the second, stronger question. */
export function PluginRemovePage(
  props: { ctx: PageContext; view: PluginView; purge: boolean; error?: string },
): Child {
  const { ctx, view: v, purge } = props;
  const name = inert(v.manifest.name);
  return (
    <Layout ctx={ctx} title={`Remove ${v.manifest.name}`} active="plugins">
      <div class="card">
        <h1>{purge ? `Remove ${name} and delete its data?` : `Remove ${name}?`}</h1>
        {props.error && <p class="flash flash-error" role="alert">{inert(props.error)}</p>}
        {purge
          ? (
            <form method="post" action={`/ui/plugins/${v.id}/remove`} class="stack">
              <Csrf token={ctx.session!.csrf} />
              <input type="hidden" name="purge" value="true" />
              <p>
                This stops <code>{v.id}</code>, removes its files and{" "}
                <strong>
                  deletes its stored data and its $DATA folder for good
                </strong>. There is no undo.
              </p>
              <div class="field">
                <label for="confirm-id">Type the plugin id to confirm</label>
                <input id="confirm-id" name="confirm" type="text" autocomplete="off" required />
              </div>
              <p class="actions">
                <button type="submit" class="danger">Remove and delete data</button>
                <a href={`/ui/plugins/${v.id}`}>Cancel</a>
              </p>
            </form>
          )
          : (
            <form method="post" action={`/ui/plugins/${v.id}/remove`} class="stack">
              <Csrf token={ctx.session!.csrf} />
              <p>
                This stops <code>{v.id}</code>{" "}
                and removes its files. Its data is kept, so installing it again picks up where it
                left off.
              </p>
              <p class="actions">
                <button type="submit" class="danger">Remove</button>
                <a href={`/ui/plugins/${v.id}/remove?purge=1`}>Remove and delete its data…</a>
                <a href={`/ui/plugins/${v.id}`}>Cancel</a>
              </p>
            </form>
          )}
      </div>
    </Layout>
  );
}
