// The demo page: sign in, wait in the lobby, chat with the stranger you are matched with.

import { createApi } from "./api.js";
import { solveGuestChallenge } from "./guest-challenge.js";
import { CallPanel } from "./call-panel.js";
import { Composer } from "./composer.js";
import {
  ChatClientMessage,
  ChatServerMessage,
  LobbyClientMessage,
  LobbyServerMessage,
  PartnerLeftReason,
  RoomName,
} from "./protocol.js";
import { Transcript } from "./transcript.js";

const $ = (id) => document.getElementById(id);

const TOKEN_KEY = "pairline.token";
/** A report quotes at most this many of the partner's messages, each with the server's signature. */
const QUOTED_MESSAGES_MAX = 50;
const QUOTED_FIELDS = ["id", "from", "timestamp", "type", "content", "fileId", "signature"];
/** How often the "N online" figure is refreshed (GET /api/users/stats). */
const STATS_INTERVAL_MS = 15_000;

const LEFT_TEXT = {
  [PartnerLeftReason.Left]: "The stranger left the chat.",
  [PartnerLeftReason.Timeout]: "The stranger lost their connection.",
  [PartnerLeftReason.NoShow]: "The stranger never arrived.",
};

const session = {
  token: sessionStorage.getItem(TOKEN_KEY),
  user: null,
  /** "signed-out" | "lobby" | "searching" | "chatting" */
  state: "signed-out",
  lobby: null,
  /** `{ room, roomId, partner, partnerPresence: "here"|"away"|"left", received: [], endNotice? }` */
  chat: null,
  /** The last `GET /api/users/stats` answer: `{ online, waiting, ... }`. */
  stats: null,
  /** The place `match:queued` gave, while searching. */
  queuePosition: null,
  /** The partner of the chat that ended last: the matcher does not pair them again at once. */
  lastPartner: null,
};

const api = createApi(() => session.token);
const client = new window.Colyseus.Client(location.origin);
const transcript = new Transcript($("messages"), { download: (fileId) => api.download(fileId) });
const calls = new CallPanel({ iceServers: () => api.iceServers(), notify: (text) => transcript.addNotice(text) });
const composer = new Composer({ api, transcript });

/**
 * `window.pairline`: a read-only view of the page for tests and curious developers.
 * `state`, `user` `{ id, username }`, `partner` `{ id, username, country? }`,
 * `partnerPresence`, and `call` `{ kind, connectionState, peerConnection }` (null without a call).
 */
window.pairline = {
  get state() {
    return session.state;
  },
  get user() {
    return session.user;
  },
  get partner() {
    return session.chat?.partner ?? null;
  },
  get queuePosition() {
    return session.queuePosition;
  },
  get partnerPresence() {
    return session.chat?.partnerPresence ?? null;
  },
  get call() {
    const call = calls.call;
    return call ? { kind: call.kind, connectionState: call.connectionState, peerConnection: call.peerConnection } : null;
  },
};

function setState(state) {
  session.state = state;
  const signedIn = state !== "signed-out";
  $("sign-in").hidden = signedIn;
  $("whoami").hidden = !signedIn;
  $("lobby").hidden = !signedIn || state === "chatting";
  $("find").hidden = state === "searching";
  $("cancel").hidden = state !== "searching";
  if (state !== "searching") session.queuePosition = null;
  showSearchStatus();
  if (state !== "chatting") setComposerEnabled(false);
  $("chat").classList.toggle("ended", state !== "chatting");
  $("chat-title").textContent = state === "chatting" ? "Talking to" : "You talked to";
  if (state === "lobby" || state === "searching") keepFocusInView();
}

/** Keyboard users whose focused control just disappeared land on the lobby's button. */
function keepFocusInView() {
  const focused = document.activeElement;
  const lost = !focused || focused === document.body || !focused.checkVisibility();
  if (lost) $(session.state === "searching" ? "cancel" : "find").focus();
}

/** While searching: the place in the queue the server gave, and why nobody is found when the reason is known. */
function showSearchStatus() {
  if (session.state !== "searching") {
    $("lobby-status").textContent = "";
    return;
  }
  const place = session.queuePosition ? ` You are number ${session.queuePosition} in the queue.` : "";
  const others = session.stats ? session.stats.online - 1 : null;
  const why =
    others === 0
      ? " Waiting — nobody else is online right now."
      : others === 1 && session.lastPartner
        ? ` Waiting — the only other person online is ${session.lastPartner.username}, whom you just left.`
        : "";
  $("lobby-status").textContent = `Looking for a stranger…${place}${why}`;
}

function showOnline(online) {
  $("online").textContent = `${online} online`;
}

/** Keeps "N online" live while signed in; one request every STATS_INTERVAL_MS, none when signed out. */
let statsTimer;
async function refreshStats() {
  clearTimeout(statsTimer);
  if (!session.user) return;
  try {
    session.stats = await api.stats();
    showOnline(session.stats.online);
    showSearchStatus();
  } catch {
    // The figure stays as it was; the next poll tries again.
  }
  if (session.user) statsTimer = setTimeout(refreshStats, STATS_INTERVAL_MS);
}

function setComposerEnabled(enabled) {
  for (const control of $("chat").querySelectorAll("button, input")) control.disabled = !enabled;
  $("chat-status").textContent = "";
  $("typing").textContent = "";
}

const regionNames = new Intl.DisplayNames([], { type: "region", fallback: "code" });

/** "from Germany" for "DE"; nothing when the partner does not share a country. */
function fromCountry(code) {
  if (!code) return "";
  try {
    return `from ${regionNames.of(code.toUpperCase())}`;
  } catch {
    return "";
  }
}

// ─── signing in ─────────────────────────────────────────────────────────────

/** What went wrong, in words a person can act on: the failing fields, and why a guest name is taken. */
function describeSignInError(error, form) {
  if (error.code === "USER_EXISTS" && form === "guest-form") {
    return "That name is taken: a guest's name stays reserved for a day after they leave. Pick another, or leave it empty for a random one.";
  }
  const fields = (error.errors ?? []).filter((e) => e.field && e.message).map((e) => `${e.field} ${e.message}`);
  return fields.length ? `${error.message}: ${fields.join("; ")}` : error.message;
}

async function signIn(form, obtain) {
  $("sign-in-error").textContent = "";
  try {
    const { token, user } = await obtain();
    session.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    await enter(user);
  } catch (error) {
    $("sign-in-error").textContent = describeSignInError(error, form);
  }
}

async function enter(user) {
  session.user = { id: user.id, username: user.username };
  client.auth.token = session.token;
  $("username").textContent = user.username;
  refreshStats();
  await enterLobby();
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  session.token = null;
  session.user = null;
  session.lastPartner = null;
  clearTimeout(statsTimer);
  session.lobby?.leave();
  session.lobby = null;
  session.chat?.room.leave();
  $("chat").hidden = true;
  setState("signed-out");
}

// ─── the lobby ──────────────────────────────────────────────────────────────

async function enterLobby({ search = false } = {}) {
  let lobby;
  try {
    lobby = await client.joinOrCreate(RoomName.Lobby);
  } catch (error) {
    setState("lobby");
    $("lobby-status").textContent = `Could not reach the lobby: ${error.message}`;
    return;
  }
  session.lobby = lobby;
  lobby.onMessage(LobbyServerMessage.ConnectionEstablished, ({ online }) => showOnline(online));
  lobby.onMessage(LobbyServerMessage.Queued, ({ position } = {}) => {
    session.queuePosition = position ?? null;
    setState("searching");
    refreshStats();
  });
  lobby.onMessage(LobbyServerMessage.Matched, (match) => startChat(match));
  lobby.onMessage(LobbyServerMessage.Error, ({ message }) => {
    setState("lobby");
    $("lobby-status").textContent = message;
  });
  let replaced = false;
  lobby.onMessage(LobbyServerMessage.SessionReplaced, () => (replaced = true));
  lobby.onLeave(() => {
    if (session.lobby !== lobby) return;
    session.lobby = null;
    setState("lobby");
    $("lobby-status").textContent = replaced
      ? "Pairline was opened in another window. Press Find a stranger to continue here."
      : "Lost the connection to the lobby. Press Find a stranger to try again.";
  });
  setState("lobby");
  if (search) findStranger();
}

function chosenQueue() {
  return document.querySelector('input[name="queue"]:checked')?.value ?? "moderated";
}

function findStranger() {
  const queue = chosenQueue();
  const ageConfirmed = $("age-confirm").checked;
  if (queue === "adult" && !ageConfirmed) {
    $("lobby-status").textContent = "The 18+ queue is only for people aged 18 or older: tick the box to confirm.";
    return;
  }
  if (!session.lobby) return enterLobby({ search: true });
  session.lobby.send(LobbyClientMessage.Match, { shareCountry: $("share-country").checked, queue, ageConfirmed });
  setState("searching");
}

for (const radio of document.querySelectorAll('input[name="queue"]')) {
  radio.addEventListener("change", () => ($("age-confirm-label").hidden = chosenQueue() !== "adult"));
}

function stopLooking() {
  session.lobby?.send(LobbyClientMessage.Cancel, {});
  setState("lobby");
}

// ─── a chat ─────────────────────────────────────────────────────────────────

async function startChat({ reservation, roomId, matchedUser }) {
  let room;
  try {
    room = await client.consumeSeatReservation(reservation);
  } catch (error) {
    setState("lobby");
    $("lobby-status").textContent = `Could not join the chat: ${error.message}`;
    return;
  }
  session.lobby?.leave();
  session.lobby = null;
  session.chat = { room, roomId, partner: matchedUser, partnerPresence: "here", received: [] };
  transcript.clear();
  $("partner-name").textContent = matchedUser.username;
  $("partner-country").textContent = fromCountry(matchedUser.country);
  calls.attach((type, payload) => room.send(type, payload), { polite: session.user.id > matchedUser.id });
  listenToChat(room);
  $("chat").hidden = false;
  setState("chatting");
  setComposerEnabled(true);
  composer.attach(session.chat);
  transcript.addNotice(`You are now chatting with ${matchedUser.username}. Say hi!`);
}

function listenToChat(room) {
  const chat = session.chat;
  room.onMessage(ChatServerMessage.Message, (message) => {
    chat.received.push(message);
    $("typing").textContent = "";
    transcript.addTheirs(message);
  });
  room.onMessage(ChatServerMessage.Ack, ({ clientMessageId }) => {
    if (clientMessageId) transcript.markDelivered(clientMessageId);
  });
  room.onMessage(ChatServerMessage.Typing, ({ typing }) => {
    $("typing").textContent = typing ? `${chat.partner.username} is typing…` : "";
  });
  room.onMessage(ChatServerMessage.Clear, () => {
    transcript.clear();
    transcript.addNotice(`${chat.partner.username} cleared the chat.`);
  });
  room.onMessage(ChatServerMessage.Offer, (offer) => calls.offered(offer));
  room.onMessage(ChatServerMessage.Answer, (answer) => calls.answered(answer));
  room.onMessage(ChatServerMessage.IceCandidate, (candidate) => calls.candidate(candidate));
  room.onMessage(ChatServerMessage.EndCall, () => calls.endedByPartner());
  room.onMessage(ChatServerMessage.PartnerDisconnected, () => {
    chat.partnerPresence = "away";
    $("chat-status").textContent = `${chat.partner.username}'s connection dropped; waiting for them to come back…`;
  });
  room.onMessage(ChatServerMessage.PartnerReconnected, () => {
    chat.partnerPresence = "here";
    $("chat-status").textContent = "";
  });
  room.onMessage(ChatServerMessage.PartnerLeft, ({ reason }) => {
    chat.partnerPresence = "left";
    chat.endNotice = LEFT_TEXT[reason] ?? LEFT_TEXT[PartnerLeftReason.Left];
  });
  room.onMessage(ChatServerMessage.ReportAccepted, () => transcript.addNotice("Thank you, your report was sent."));
  // Names this chat in a report over REST (`POST /api/users/:id/report`), e.g. after it ended.
  room.onMessage(ChatServerMessage.Meeting, ({ token }) => (chat.meeting = token));
  room.onMessage(ChatServerMessage.Error, ({ message }) => transcript.addNotice(`⚠ ${message}`));
  room.onDrop(() => ($("chat-status").textContent = "Connection lost; reconnecting…"));
  room.onReconnect(() => ($("chat-status").textContent = ""));
  room.onLeave(() => endChat(chat));
}

/** The chat room closed: the partner left, this user skipped, or the connection could not be restored. */
async function endChat(chat) {
  if (session.chat !== chat) return;
  session.chat = null;
  session.lastPartner = chat.partner;
  calls.reset();
  composer.detach();
  transcript.addNotice(chat.endNotice ?? "The connection was lost.");
  if (!session.user) return;
  setState("lobby");
  await enterLobby({ search: chat.searchNext });
}

function skip() {
  const chat = session.chat;
  if (!chat) return;
  chat.endNotice = "You left the chat.";
  chat.searchNext = true;
  chat.room.send(ChatClientMessage.Leave, {});
}

// ─── safety ─────────────────────────────────────────────────────────────────

async function block() {
  const chat = session.chat;
  if (!chat || !confirm(`Block ${chat.partner.username}? You will not be matched again.`)) return;
  try {
    await api.block(chat.partner.id);
    transcript.addNotice(`You blocked ${chat.partner.username}.`);
    skip();
  } catch (error) {
    transcript.addNotice(`⚠ Could not block: ${error.message}`);
  }
}

/** A received message as the server signed it, quoted back as evidence. */
const quote = (message) => Object.fromEntries(QUOTED_FIELDS.filter((f) => message[f] !== undefined).map((f) => [f, message[f]]));

/** The room knows the chat and checks the quoted messages' signatures; it answers `report:accepted` or an error. */
function report(category, reason) {
  const chat = session.chat;
  if (!chat) return;
  const messages = chat.received.filter((m) => m.signature).slice(-QUOTED_MESSAGES_MAX).map(quote);
  chat.room.send(ChatClientMessage.Report, { category, ...(reason ? { reason } : {}), ...(messages.length ? { messages } : {}) });
}

// ─── wiring ─────────────────────────────────────────────────────────────────

$("guest-form").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn("guest-form", async () => {
    const progress = $("guest-progress");
    progress.value = 0;
    progress.hidden = false;
    try {
      const altcha = await solveGuestChallenge((fraction) => (progress.value = fraction));
      return await api.guest($("guest-name").value.trim() || undefined, altcha);
    } finally {
      progress.hidden = true;
    }
  });
});
$("register-form").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn("register-form", () => api.register($("register-username").value.trim(), $("register-email").value, $("register-password").value));
});
$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn("login-form", () => api.login($("login-email").value, $("login-password").value));
});
// An error about what was typed goes as soon as it is edited.
$("sign-in").addEventListener("input", () => ($("sign-in-error").textContent = ""));
$("sign-out").addEventListener("click", signOut);
$("find").addEventListener("click", findStranger);
$("cancel").addEventListener("click", stopLooking);
$("skip").addEventListener("click", skip);
$("block").addEventListener("click", block);
$("report").addEventListener("click", () => $("report-dialog").showModal());
$("report-dialog").addEventListener("close", () => {
  if ($("report-dialog").returnValue === "send") report($("report-category").value, $("report-reason").value.trim());
  $("report-form").reset();
});

async function resume() {
  if (!session.token) return setState("signed-out");
  try {
    const { user } = await api.me();
    await enter(user);
  } catch {
    sessionStorage.removeItem(TOKEN_KEY);
    session.token = null;
    setState("signed-out");
  }
}

resume();
