/** An error page: what went wrong and where to go next. */
import type { Child } from "hono/jsx";
import { inert } from "../inert_text.ts";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Signed out",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Too large",
  422: "Not accepted",
  429: "Too many requests",
};

/** The error page for `status` with `detail` (escaped and made inert). */
export function ErrorPage(props: { ctx: PageContext; status: number; detail: string }): Child {
  const title = TITLES[props.status] ?? (props.status >= 500 ? "Something failed" : "Error");
  return (
    <Layout ctx={props.ctx} title={title}>
      <div class="card error-page">
        <h1>{title}</h1>
        <p class="status">HTTP {props.status}</p>
        <p class="detail">{inert(props.detail)}</p>
        <p>
          <a href="/ui">Back to the overview</a>
        </p>
      </div>
    </Layout>
  );
}
