// The call area of the chat: placing, ringing, answering and ending a call, and showing its video.

import { Call } from "./call.js";
import { CallKind } from "./protocol.js";

const $ = (id) => document.getElementById(id);

const STATE_TEXT = {
  new: "Connecting…",
  connecting: "Connecting…",
  connected: "Connected",
  disconnected: "Connection unstable…",
  failed: "The call could not connect",
};

export class CallPanel {
  #iceServers;
  #notify;
  #send = null;
  #polite = false;
  #call = null;
  /** The partner's offer while this side's phone rings. */
  #ringingOffer = null;

  /** `iceServers()` resolves the STUN/TURN list; `notify(text)` adds a line to the chat. */
  constructor({ iceServers, notify }) {
    this.#iceServers = iceServers;
    this.#notify = notify;
    $("audio-call").addEventListener("click", () => this.#place(CallKind.Audio));
    $("video-call").addEventListener("click", () => this.#place(CallKind.Video));
    $("accept-call").addEventListener("click", () => this.#accept());
    $("decline-call").addEventListener("click", () => this.#decline());
    $("hang-up").addEventListener("click", () => this.hangUp());
  }

  /** The current call (ringing, connecting or connected), if any. */
  get call() {
    return this.#call;
  }

  /**
   * Binds the panel to a new chat. `polite`: when both call at once, the polite side
   * drops its own call and answers the other one.
   */
  attach(send, { polite }) {
    this.#send = send;
    this.#polite = polite;
  }

  offered({ offer, type }) {
    if (this.#call) {
      if (!this.#polite) return;
      this.#end({ tellPartner: false });
    }
    this.#call = this.#newCall(type);
    this.#ringingOffer = offer;
    this.#show(`Incoming ${type} call`, { ringing: true, kind: type });
  }

  answered({ answer }) {
    const call = this.#call;
    call?.receiveAnswer(answer).catch((error) => this.#fail(call, error));
  }

  candidate({ candidate }) {
    this.#call?.receiveCandidate(candidate);
  }

  endedByPartner() {
    if (!this.#call) return;
    this.#end({ tellPartner: false });
    this.#notify("The call ended.");
  }

  hangUp() {
    if (!this.#call) return;
    this.#end({ tellPartner: true });
    this.#notify("You ended the call.");
  }

  /** The chat is over: the call goes with it, without signaling. */
  reset() {
    if (this.#call) this.#end({ tellPartner: false });
    this.#send = null;
  }

  async #place(kind) {
    if (this.#call || !this.#send) return;
    const call = (this.#call = this.#newCall(kind));
    this.#show(`Calling (${kind})…`, { ringing: false, kind });
    await call.start().catch((error) => this.#fail(call, error));
  }

  async #accept() {
    const call = this.#call;
    const offer = this.#ringingOffer;
    this.#ringingOffer = null;
    this.#show("Connecting…", { ringing: false, kind: call.kind });
    await call.accept(offer).catch((error) => this.#fail(call, error));
  }

  #decline() {
    this.#end({ tellPartner: true });
    this.#notify("You declined the call.");
  }

  #newCall(kind) {
    const call = new Call({ kind, iceServers: this.#iceServers, send: this.#send });
    call.addEventListener("localstream", ({ detail }) => ($("local-video").srcObject = detail));
    call.addEventListener("remotestream", ({ detail }) => ($("remote-video").srcObject = detail));
    call.addEventListener("statechange", ({ detail }) => {
      if (STATE_TEXT[detail]) $("call-status").textContent = `${STATE_TEXT[detail]} · ${kind} call`;
    });
    return call;
  }

  /** A failure of a call that is still the current one ends it; a late one of an ended call is moot. */
  #fail(call, error) {
    if (call !== this.#call) return;
    const media = error?.name === "NotAllowedError" || error?.name === "NotFoundError";
    this.#notify(media ? "Camera or microphone unavailable." : `The call failed: ${error?.message ?? error}`);
    this.#end({ tellPartner: true });
  }

  #end({ tellPartner }) {
    this.#call?.close({ tellPartner });
    this.#call = null;
    this.#ringingOffer = null;
    $("local-video").srcObject = null;
    $("remote-video").srcObject = null;
    $("call").hidden = true;
    this.#setCallButtons(false);
  }

  /** Video shows only in an answered or outgoing video call; the audio plays either way. */
  #show(status, { ringing, kind }) {
    $("call").hidden = false;
    $("call").classList.toggle("no-video", ringing || kind === CallKind.Audio);
    $("call-status").textContent = status;
    $("accept-call").hidden = !ringing;
    $("decline-call").hidden = !ringing;
    $("hang-up").hidden = ringing;
    this.#setCallButtons(true);
  }

  #setCallButtons(busy) {
    $("audio-call").disabled = busy;
    $("video-call").disabled = busy;
  }
}
