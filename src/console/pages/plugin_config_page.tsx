/**
 * A plugin's settings as a form generated from its manifest schema: types, enums, defaults,
 * required marks, descriptions; secrets are write-only (shown as set or not set, never their
 * value); problems from the API appear next to their field.
 */
import type { Child } from "hono/jsx";
import { clearName, displayValue, fieldId, inputName, isGroup, valueAt } from "../config_form.ts";
import { type ConfigSchema, toPointer } from "../../manifest/mod.ts";
import { inert } from "../inert_text.ts";
import type { PluginView } from "../types.ts";
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
  const schema = v.manifest.config;
  const editable = ctx.can.operate;
  return (
    <Layout ctx={ctx} title={`${v.manifest.name}: config`} active="plugins" live>
      <PluginHeader ctx={ctx} view={v} tab="config" />
      <Section title="Settings" id="config">
        {data.error && <p class="flash flash-error" role="alert">{inert(data.error)}</p>}
        {Object.keys(schema.properties ?? {}).length === 0
          ? <Empty>This plugin has no settings.</Empty>
          : (
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
                <Fields node={schema} path={[]} data={data} />
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

/** The fields of an object node; objects with declared properties nest as fieldsets. */
function Fields(props: { node: ConfigSchema; path: string[]; data: ConfigPageData }): Child {
  const { node, path, data } = props;
  return (
    <>
      {Object.entries(node.properties ?? {}).map(([key, field]) => {
        const at = [...path, key];
        const required = node.required?.includes(key) ?? false;
        if (isGroup(field)) {
          return (
            <fieldset class="config-group" id={fieldId(at)}>
              <legend>
                {inert(field.title ?? key)}
                {required && <span class="req" title="required">*</span>}
              </legend>
              {field.description && <p class="hint">{inert(field.description)}</p>}
              <Fields node={field} path={at} data={data} />
            </fieldset>
          );
        }
        const pointer = toPointer(at);
        return (
          <Field
            path={at}
            field={field}
            required={required}
            stored={valueAt(data.values, at)}
            typed={data.echo?.[pointer]}
            problem={data.problems?.find((p) =>
              p.field === pointer || p.field.startsWith(`${pointer}/`)
            )?.message}
          />
        );
      })}
    </>
  );
}

function Field(
  props: {
    path: string[];
    field: ConfigSchema;
    required: boolean;
    stored: unknown;
    typed?: string;
    problem?: string;
  },
): Child {
  const { path, field, problem, required } = props;
  const name = path[path.length - 1]!;
  const id = fieldId(path);
  const input = inputName(path);
  const describedBy = [`${id}-hint`, problem ? `${id}-err` : ""].filter(Boolean).join(" ");
  const value = props.typed ?? displayValue(field, props.stored);
  const bounds = (label: string, n: number | undefined) => n !== undefined ? `${label} ${n}` : "";
  const hint = [
    field.title,
    field.description,
    `${field.type}${field.enum ? `, one of ${field.enum.map(String).join(", ")}` : ""}`,
    field.default !== undefined && !field.secret ? `default ${JSON.stringify(field.default)}` : "",
    field.pattern ? `pattern ${field.pattern}` : "",
    field.format ? `format ${field.format}` : "",
    bounds("min", field.minimum ?? field.minLength ?? field.minItems),
    bounds("max", field.maximum ?? field.maxLength ?? field.maxItems),
  ].filter(Boolean).join(" · ");
  let control: Child;
  if (field.secret) {
    const set = props.stored === REDACTED;
    control = (
      <>
        <input
          id={id}
          name={input}
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
            <input type="checkbox" name={clearName(path)} /> clear this secret
          </label>
        )}
      </>
    );
  } else if (field.type === "boolean") {
    control = (
      <input
        id={id}
        name={input}
        type="checkbox"
        checked={value === "true" || value === "on"}
        aria-describedby={describedBy}
      />
    );
  } else if (field.enum) {
    control = (
      <select id={id} name={input} aria-describedby={describedBy}>
        {!required && <option value="">(default)</option>}
        {field.enum.map((e) => (
          <option value={String(e)} selected={String(e) === value}>{inert(String(e))}</option>
        ))}
      </select>
    );
  } else if (field.type === "array" || field.type === "object") {
    control = <textarea id={id} name={input} aria-describedby={describedBy}>{value}</textarea>;
  } else {
    control = (
      <input
        id={id}
        name={input}
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
        {required && <span class="req" title="required">*</span>}
        {field.secret && <span class="muted small">(secret, write-only)</span>}
      </label>
      {control}
      <p class="hint" id={`${id}-hint`}>{inert(hint)}</p>
      {problem && <p class="error" id={`${id}-err`} role="alert">{inert(problem)}</p>}
    </div>
  );
}
