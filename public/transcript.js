// The list of messages of the current chat: what was said, by whom, and whether it was delivered.

import { MessageKind } from "./protocol.js";

const UNITS = ["B", "KB", "MB", "GB"];

export function formatBytes(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

const clock = (timestamp) => new Date(timestamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function saveBlob(blob, name) {
  const link = element("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

export class Transcript {
  #list;
  #download;
  /** Blob URLs of the players and previews shown, released when the transcript is cleared. */
  #objectUrls = [];

  /** `download(fileId)` resolves with the file's Blob. */
  constructor(list, { download }) {
    this.#list = list;
    this.#download = download;
  }

  clear() {
    this.#list.replaceChildren();
    for (const url of this.#objectUrls.splice(0)) URL.revokeObjectURL(url);
  }

  /** A message this user sent, shown as "sending" until `markDelivered`. */
  addMine({ clientMessageId, kind, text, name, size, audio }) {
    const item = this.#item("mine", Date.now());
    item.dataset.clientMessageId = clientMessageId;
    if (kind === MessageKind.Text) item.prepend(element("p", "body", text));
    else if (kind === MessageKind.Voice) item.prepend(this.#player(audio));
    else item.prepend(element("p", "body file", `${name} (${formatBytes(size)})`));
    const tick = element("span", "tick", "…");
    tick.setAttribute("role", "img");
    tick.title = "Sending";
    tick.setAttribute("aria-label", "Sending");
    item.querySelector(".meta").append(tick);
  }

  markDelivered(clientMessageId) {
    const tick = this.#list.querySelector(`[data-client-message-id="${CSS.escape(clientMessageId)}"] .tick`);
    if (!tick) return;
    tick.textContent = "✓";
    tick.title = "Delivered";
    tick.setAttribute("aria-label", "Delivered");
    tick.classList.add("delivered");
  }

  /** A message from the partner (as relayed by the server). */
  addTheirs(message) {
    const item = this.#item("theirs", message.timestamp);
    if (message.type === MessageKind.Text) item.prepend(element("p", "body", message.content));
    else if (message.type === MessageKind.Voice) item.prepend(this.#voiceNote(message));
    else item.prepend(this.#fileOffer(message));
  }

  /** A line about the chat itself: someone left, a call ended, an error. */
  addNotice(text) {
    this.#list.append(element("li", "notice", text));
    this.#scroll();
  }

  #item(side, timestamp) {
    const item = element("li", `message ${side}`);
    const meta = element("span", "meta");
    meta.append(element("time", "", clock(timestamp)));
    item.append(meta);
    this.#list.append(item);
    this.#scroll();
    return item;
  }

  #player(blob) {
    const audio = element("audio");
    audio.controls = true;
    audio.src = this.#objectUrl(blob);
    return audio;
  }

  #objectUrl(blob) {
    const url = URL.createObjectURL(blob);
    this.#objectUrls.push(url);
    return url;
  }

  #voiceNote(message) {
    const box = element("p", "body voice", `Voice note, ${Math.round(message.duration ?? 0)} s…`);
    this.#download(message.fileId).then(
      (blob) => box.replaceChildren(this.#player(blob)),
      (error) => (box.textContent = `Voice note unavailable: ${error.message}`),
    );
    return box;
  }

  /** An image the server flagged as sensitive stays blurred until the user taps it. */
  #preview(message, blob) {
    const preview = element("img", "preview");
    preview.alt = message.name;
    preview.src = this.#objectUrl(blob);
    if (!message.sensitive) return preview;
    preview.classList.add("sensitive");
    preview.title = "Flagged as sensitive: tap to show";
    preview.tabIndex = 0;
    const reveal = () => {
      preview.classList.remove("sensitive");
      preview.removeAttribute("title");
    };
    preview.addEventListener("click", reveal, { once: true });
    preview.addEventListener("keydown", (event) => event.key === "Enter" && reveal());
    return preview;
  }

  #fileOffer(message) {
    const flag = message.sensitive ? " — flagged as sensitive" : "";
    const box = element("p", "body file", `${message.name} (${formatBytes(message.size)}${flag}) `);
    const button = element("button", "link", "Download");
    button.type = "button";
    button.setAttribute("aria-label", `Download ${message.name}`);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const blob = await this.#download(message.fileId);
        saveBlob(blob, message.name);
        if (message.mime?.startsWith("image/")) {
          box.append(this.#preview(message, blob));
        }
      } catch (error) {
        box.append(element("span", "error", ` ${error.message}`));
      } finally {
        button.disabled = false;
      }
    });
    box.append(button);
    return box;
  }

  #scroll() {
    this.#list.scrollTop = this.#list.scrollHeight;
  }
}
