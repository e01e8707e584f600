// What the console shows, built as DOM nodes (never HTML strings: reports quote what strangers wrote).

/** `el("p", { className: "meta" }, "text", child)`: an element with properties and children. */
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

const when = (iso) => new Date(iso).toLocaleString();

export const badge = (verified) =>
  el("span", { className: `badge ${verified ? "verified" : "unverified"}` }, verified ? "verified" : "not verified");

/** A button that shows a user's history when pressed. */
const userLink = (label, userId, onShowUser) =>
  el("button", { type: "button", className: "link", title: userId, onclick: () => onShowUser(userId) }, label);

/** `actions`: `{ onShowUser(id), onDismiss(report) }`; either may be left out. */
export function reportItem(report, actions = {}) {
  const item = el(
    "li",
    { className: "report" },
    el(
      "p",
      {},
      badge(report.verified),
      ` ${report.category}`,
      report.reason ? ` — “${report.reason}”` : "",
    ),
    el(
      "p",
      { className: "meta" },
      actions.onShowUser ? userLink("reporter", report.reporterId, actions.onShowUser) : `reporter ${report.reporterId}`,
      " reported ",
      actions.onShowUser ? userLink("target", report.reportedId, actions.onShowUser) : `target ${report.reportedId}`,
      ` · ${when(report.createdAt)}`,
      report.reporterIp ? ` · from ${report.reporterIp}` : "",
    ),
  );
  if (report.messages.length === 0) item.append(el("p", { className: "meta" }, "No quoted messages: only a moderator can act on it."));
  for (const message of report.messages) {
    item.append(el("p", { className: "quote" }, badge(message.verified), ` ${when(message.timestamp)} `, message.type === "text" ? message.content : `[${message.type}] ${message.content}`));
  }
  if (actions.onDismiss) {
    item.append(el("p", {}, el("button", { type: "button", onclick: () => actions.onDismiss(report) }, "Dismiss and delete its evidence")));
  }
  return item;
}

const detailText = (details) =>
  Object.entries(details)
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ");

export function auditItem(entry, onShowUser) {
  return el(
    "li",
    { className: "audit-entry" },
    el("span", { className: "meta" }, `${when(entry.at)} · `),
    `${entry.actor} `,
    el("strong", {}, entry.action),
    entry.targetId ? " " : "",
    entry.targetId ? (onShowUser ? userLink(entry.targetId, entry.targetId, onShowUser) : entry.targetId) : "",
    Object.keys(entry.details).length ? el("span", { className: "meta" }, ` (${detailText(entry.details)})`) : "",
  );
}

export function shadowItem(member, onShowUser) {
  return el("li", {}, userLink(member.userId, member.userId, onShowUser), el("span", { className: "meta" }, ` in since ${when(member.since)}, until ${when(member.until)}`));
}

export const banText = (ban) => (ban ? `Banned until ${when(ban.until)} by ${ban.by}: ${ban.reason}` : "Not banned.");
