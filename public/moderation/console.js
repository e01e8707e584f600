// The moderators' console: reports, one user's history with ban and unban, the shadow pool and the
// audit log, all read from and done through /api/admin (every action lands in the audit log).
import { adminApi, PAGE_SIZE } from "./admin-api.js";
import { auditItem, banText, reportItem, shadowItem } from "./views.js";

const $ = (id) => document.getElementById(id);
const status = (text) => ($("status").textContent = text);

/** Runs a console action, showing what failed instead of throwing it away. */
const guarded = (action) => async (...args) => {
  try {
    await action(...args);
  } catch (error) {
    status(`${error.code ?? "ERROR"}: ${error.message}`);
  }
};

let reportsBefore;
let auditBefore;
let shadowOffset = 0;
let shownUser = null;

const showUser = guarded(async (id) => {
  const history = await adminApi.user(id);
  shownUser = id;
  $("user-id").value = id;
  $("user-details").hidden = false;
  const { user } = history;
  $("user-summary").textContent = `${user.username} (${user.isGuest ? "guest" : "account"}) · ${history.reportsAgainstTotal} report(s) against them`;
  $("user-ban").textContent = banText(history.ban);
  $("user-against").replaceChildren(...history.reportsAgainst.map((r) => reportItem(r, { onShowUser: showUser })));
  $("user-filed").replaceChildren(...history.reportsFiled.map((r) => reportItem(r, { onShowUser: showUser })));
  $("user-audit").replaceChildren(...history.audit.map((entry) => auditItem(entry)));
  $("user").scrollIntoView({ block: "start" });
  await loadAudit(); // reading a history is itself an audited action
});

const dismiss = guarded(async (report) => {
  await adminApi.dismissReport(report.id);
  status(`Report ${report.id} dismissed, its evidence deleted.`);
  await Promise.all([loadReports(), loadAudit(), shownUser ? showUser(shownUser) : null]);
});

async function loadReports(more = false) {
  const { reports } = await adminApi.reports(more ? reportsBefore : undefined);
  const items = reports.map((r) => reportItem(r, { onShowUser: showUser, onDismiss: dismiss }));
  if (more) $("reports").append(...items);
  else $("reports").replaceChildren(...items);
  reportsBefore = reports.at(-1)?.createdAt ?? reportsBefore;
  $("reports-more").hidden = reports.length < PAGE_SIZE;
}

async function loadAudit(more = false) {
  const { entries } = await adminApi.audit(more ? auditBefore : undefined);
  const items = entries.map((entry) => auditItem(entry, showUser));
  if (more) $("audit").append(...items);
  else $("audit").replaceChildren(...items);
  auditBefore = entries.at(-1)?.at ?? auditBefore;
  $("audit-more").hidden = entries.length < PAGE_SIZE;
}

async function loadShadowPool(offset) {
  const { members, total } = await adminApi.shadowPool(offset);
  shadowOffset = offset;
  $("shadow").replaceChildren(...members.map((m) => shadowItem(m, showUser)));
  $("shadow-total").textContent = total === 0 ? "Nobody is in the shadow pool." : `${offset + 1}–${offset + members.length} of ${total}`;
  $("shadow-prev").disabled = offset === 0;
  $("shadow-next").disabled = offset + members.length >= total;
}

/** Hours, or a local date and time turned into an ISO time (which wins when given). */
function banRequest(form) {
  const reason = form.reason.value.trim();
  if (form.until.value) return { reason, until: new Date(form.until.value).toISOString() };
  return { reason, hours: Number(form.hours.value) };
}

$("user-form").addEventListener("submit", (event) => {
  event.preventDefault();
  showUser(event.target.id.value.trim());
});
$("ban-form").addEventListener(
  "submit",
  guarded(async (event) => {
    event.preventDefault();
    const { ban } = await adminApi.ban(shownUser, banRequest(event.target));
    status(`Banned ${shownUser} until ${new Date(ban.until).toLocaleString()}.`);
    event.target.reset();
    await showUser(shownUser);
  }),
);
$("unban-form").addEventListener(
  "submit",
  guarded(async (event) => {
    event.preventDefault();
    await adminApi.unban(shownUser, event.target.reason.value.trim());
    status(`Unbanned ${shownUser}.`);
    event.target.reset();
    await showUser(shownUser);
  }),
);
$("reports-more").addEventListener("click", guarded(() => loadReports(true)));
$("audit-more").addEventListener("click", guarded(() => loadAudit(true)));
$("audit-refresh").addEventListener("click", guarded(() => loadAudit()));
$("shadow-prev").addEventListener("click", guarded(() => loadShadowPool(Math.max(0, shadowOffset - PAGE_SIZE))));
$("shadow-next").addEventListener("click", guarded(() => loadShadowPool(shadowOffset + PAGE_SIZE)));

// The reports are read first, so that reading them is the newest audit entry when the log loads.
guarded(async () => {
  await Promise.all([loadReports(), loadShadowPool(0)]);
  await loadAudit();
  document.body.dataset.ready = "yes";
})();
