/** Sign-in: paste a token, or confirm a one-time code from `plugd ui`. */
import type { Child } from "hono/jsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";

/** Options of {@linkcode LoginPage}. */
export interface LoginProps {
  ctx: PageContext;
  /** Pre-login CSRF value (double-submit with its cookie). */
  csrf: string;
  /** A code from the link `plugd ui` printed: confirm instead of pasting a token. */
  code?: string;
  next?: string;
  error?: string;
}

/** The sign-in page. */
export function LoginPage(props: LoginProps): Child {
  const { ctx, csrf, code, next, error } = props;
  return (
    <Layout ctx={ctx} title="Sign in">
      <div class="login card">
        <h1>Sign in to plugd</h1>
        {error && <p class="flash flash-error" role="alert">{error}</p>}
        {code
          ? (
            <form method="post" action="/ui/login">
              <p>
                Continue as the local administrator with the one-time code from{" "}
                <code>plugd ui</code>?
              </p>
              <input type="hidden" name="_login" value={csrf} />
              <input type="hidden" name="code" value={code} />
              <p class="code">{code}</p>
              <button type="submit" class="primary">Continue</button>
            </form>
          )
          : (
            <form method="post" action="/ui/login">
              <input type="hidden" name="_login" value={csrf} />
              {next && <input type="hidden" name="next" value={next} />}
              <label for="token">API token</label>
              <input
                id="token"
                name="token"
                type="password"
                autocomplete="off"
                spellcheck={false}
                required
                placeholder="plugd_…"
                autofocus
              />
              <p class="hint">
                The admin token is in <code>&lt;state dir&gt;/admin.token</code>; make others with
                {" "}
                <code>plugd token create --scope reader</code>. Or run <code>plugd ui</code>{" "}
                on the host for a one-time sign-in link. The session gets exactly the token's scope.
              </p>
              <button type="submit" class="primary">Sign in</button>
            </form>
          )}
      </div>
    </Layout>
  );
}
