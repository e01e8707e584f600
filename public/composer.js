// The message box of a chat: text with typing notices, files and voice notes.

import { ChatClientMessage, MessageKind } from "./protocol.js";
import { VoiceRecorder } from "./voice-recorder.js";

const $ = (id) => document.getElementById(id);

const TYPING_IDLE_MS = 2500;

export class Composer {
  #api;
  #transcript;
  #recorder = new VoiceRecorder();
  /** `{ room, roomId }` of the chat being written to, or null. */
  #chat = null;
  #sent = 0;
  #typingTimer = null;
  #recordingTimer = null;

  constructor({ api, transcript }) {
    this.#api = api;
    this.#transcript = transcript;
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      this.#sendText();
    });
    $("text").addEventListener("input", () => this.#noteTyping());
    $("file").addEventListener("change", () => this.#sendChosenFile());
    $("record").addEventListener("click", () => this.#toggleRecording());
  }

  attach(chat) {
    this.#chat = chat;
    $("text").focus();
  }

  /** The chat is over: an unsent recording is dropped. */
  detach() {
    this.#chat = null;
    this.#stopTyping();
    if (this.#recorder.recording) this.#recorder.stop();
    this.#showRecording(false);
  }

  #send(message) {
    const clientMessageId = `${Date.now().toString(36)}-${(this.#sent += 1)}`;
    this.#chat.room.send(ChatClientMessage.Message, { ...message, clientMessageId, timestamp: new Date().toISOString() });
    return clientMessageId;
  }

  #sendText() {
    const content = $("text").value.trim();
    if (!content || !this.#chat) return;
    const clientMessageId = this.#send({ type: MessageKind.Text, content });
    this.#transcript.addMine({ clientMessageId, kind: MessageKind.Text, text: content });
    $("text").value = "";
    this.#stopTyping();
  }

  async #upload(kind, blob, name) {
    const chat = this.#chat;
    $("chat-status").textContent = `Uploading ${name}…`;
    try {
      const upload = await this.#api.upload(kind, chat.roomId, blob, name);
      if (this.#chat !== chat) return;
      const clientMessageId = this.#send({ type: kind, fileId: upload.fileId });
      this.#transcript.addMine({ clientMessageId, kind, name: upload.name, size: upload.size, audio: blob });
    } catch (error) {
      this.#transcript.addNotice(`⚠ ${name} was not sent: ${error.message}`);
    } finally {
      $("chat-status").textContent = "";
    }
  }

  async #sendChosenFile() {
    const file = $("file").files[0];
    $("file").value = "";
    if (file && this.#chat) await this.#upload(MessageKind.File, file, file.name);
  }

  async #toggleRecording() {
    if (!this.#recorder.recording) {
      try {
        await this.#recorder.start();
      } catch {
        this.#transcript.addNotice("⚠ No microphone available.");
        return;
      }
      this.#showRecording(true);
      return;
    }
    this.#showRecording(false);
    const audio = await this.#recorder.stop();
    if (this.#chat) await this.#upload(MessageKind.Voice, audio, "voice-note.webm");
  }

  #showRecording(recording) {
    const button = $("record");
    button.classList.toggle("recording", recording);
    button.textContent = recording ? "Stop & send" : "Record";
    button.setAttribute("aria-label", recording ? "Stop and send the voice note" : "Record a voice note");
    clearInterval(this.#recordingTimer);
    if (recording) {
      this.#recordingTimer = setInterval(() => {
        $("chat-status").textContent = `Recording… ${this.#recorder.elapsedSeconds} s`;
      }, 500);
    }
  }

  #noteTyping() {
    if (!this.#chat) return;
    if (!this.#typingTimer) this.#chat.room.send(ChatClientMessage.Typing, { typing: true });
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => this.#stopTyping(), TYPING_IDLE_MS);
  }

  #stopTyping() {
    if (!this.#typingTimer) return;
    clearTimeout(this.#typingTimer);
    this.#typingTimer = null;
    this.#chat?.room.send(ChatClientMessage.Typing, { typing: false });
  }
}
