/**
 * A plugin's settings as a form generated from its manifest schema: types, enums, defaults,
 * required marks, descriptions; secrets are write-only (shown as set or not set, never their
 * value); problems from the API appear next to their field.
 */
import type { Child } from "hono/jsx";
import { clearName, displayValue } from "../config_form.ts";
import { inert } from "../inert_text.ts";
import type { ConfigFieldView, PluginView } from "../types.ts";
import { Csrf, Empty, Section } from "../ui/components.tsx";
import { Layout } from "../ui/layout.tsx";
import type { PageContext } from "../ui/page.ts";
import { PluginHeader } from "../ui/plugin_header.tsx";

/** What the config page shows. */
export interface ConfigPageData {
  view: PluginView;
  /** Stored values (`"********"` for a set secret). */
  values: Record<string, unknown>;
  /** On a failed save: what was typed (never secrets) and the problems by field. */
  echo?: Record<string, string>;
  problems?: { field: string; message: string }[];
  error?: string;
}

const REDACTED = "********";

/** The config page. */
export function PluginConfigPage(props: { ctx: PageContext; data: ConfigPageData }): Child {
  const { ctx, data } = props;
  const v = data.view;
  const fields = Object.entries(v.manifest.config);
  const editable = ctx.can.operate;
  return (
    <Layout ctx={ctx} title={`${v.manifest.name}: config`} active="plugins" live>
      <PluginHeader ctx={ctx} view={v} tab="config" />
      <Section title="Settings" id="config">
        {data.error && <p class="flash flash-error" role="alert">{inert(data.error)}</p>}
        {fields.length === 0 ? <Empty>This plugin has no settings.</Empty> : (
          <form
            method={editable ? "post" : undefined}
            action={editable ? `/ui/plugins/${v.id}/config` : undefined}
            class="stack"
            novalidate
          >
            {editable && <Csrf token={ctx.session!.csrf} />}
            <fieldset disabled={!editable}>
              <legend class="muted small">
                {editable
                  ? "Saving restarts the plugin with the new values."
                  : "Read-only: your session cannot change settings."}
              </legend>
              {fields.map(([key, field]) => (
                <Field
                  name={key}
                  field={field}
                  stored={data.values[key]}
                  typed={data.echo?.[key]}
                  problem={data.problems?.find((p) =>
                    p.field === key || p.field.startsWith(`${key}.`)
                  )?.message}
                />
              ))}
            </fieldset>
            {editable && (
              <p>
                <button type="submit" class="primary">Save settings</button>
              </p>
            )}
          </form>
        )}
      </Section>
    </Layout>
  );
}

function Field(
  props: {
    name: string;
    field: ConfigFieldView;
    stored: unknown;
    typed?: string;
    problem?: string;
  },
): Child {
  const { name, field, problem } = props;
  const id = `cfg-${name}`;
  const inputName = `cfg:${name}`;
  const describedBy = [`${id}-hint`, problem ? `${id}-err` : ""].filter(Boolean).join(" ");
  const value = props.typed ?? displayValue(field, props.stored);
  const hint = [
    field.description,
    `${field.type}${field.enum ? `, one of ${field.enum.map(String).join(", ")}` : ""}`,
    field.default !== undefined && !field.secret ? `default ${JSON.stringify(field.default)}` : "",
    field.pattern ? `pattern ${field.pattern}` : "",
    field.min !== undefined ? `min ${field.min}` : "",
    field.max !== undefined ? `max ${field.max}` : "",
  ].filter(Boolean).join(" · ");
  let control: Child;
  if (field.secret) {
    const set = props.stored === REDACTED;
    control = (
      <>
        <input
          id={id}
          name={inputName}
          type="password"
          autocomplete="new-password"
          placeholder={set ? "set: leave empty to keep it" : "not set"}
          aria-describedby={describedBy}
        />
        <span
          class={`badge ${set ? "badge-ok" : "badge-muted"}`}
          data-secret-state={set ? "set" : "unset"}
        >
          {set ? "set" : "not set"}
        </span>
        {set && (
          <label class="small">
            <input type="checkbox" name={clearName(name)} /> clear this secret
          </label>
        )}
      </>
    );
  } else if (field.type === "boolean") {
    control = (
      <input
        id={id}
        name={inputName}
        type="checkbox"
        checked={value === "true" || value === "on"}
        aria-describedby={describedBy}
      />
    );
  } else if (field.enum) {
    control = (
      <select id={id} name={inputName} aria-describedby={describedBy}>
        {!field.required && <option value="">(default)</option>}
        {field.enum.map((e) => (
          <option value={String(e)} selected={String(e) === value}>{inert(String(e))}</option>
        ))}
      </select>
    );
  } else if (field.type === "array" || field.type === "object") {
    control = <textarea id={id} name={inputName} aria-describedby={describedBy}>{value}</textarea>;
  } else {
    control = (
      <input
        id={id}
        name={inputName}
        type={field.type === "string" ? "text" : "number"}
        step={field.type === "number" ? "any" : undefined}
        value={value}
        placeholder={field.default !== undefined ? String(field.default) : ""}
        aria-describedby={describedBy}
        aria-invalid={problem ? "true" : undefined}
      />
    );
  }
  return (
    <div class={`field${problem ? " invalid" : ""}`}>
      <label for={id}>
        {inert(name)}
        {field.required && <span class="req" title="required">*</span>}
        {field.secret && <span class="muted small">(secret, write-only)</span>}
      </label>
      {control}
      <p class="hint" id={`${id}-hint`}>{inert(hint)}</p>
      {problem && <p class="error" id={`${id}-err`} role="alert">{inert(problem)}</p>}
    </div>
  );
}
