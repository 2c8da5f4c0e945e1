// Builds elements with text content only: pipeline names, branches and URLs come from webhooks,
// so nothing from the data is ever parsed as HTML.

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

/** A status badge. */
export function badge(status) {
  return el("span", { class: `status status-${status}`, "data-status": status }, status);
}

/** A link to the provider's page of a run (http(s) only), or its text. */
export function link(url, text) {
  return typeof url === "string" && /^https?:\/\//.test(url)
    ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, text)
    : text;
}
