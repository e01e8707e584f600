// One audio or video call with the partner: media, the peer connection, and its signaling
// through the chat room (offer, answer, ICE candidates).

import { CallKind, CallOutcome, ChatClientMessage } from "./protocol.js";

const mediaFor = (kind) => ({ audio: true, video: kind === CallKind.Video });

/** RTCSessionDescription keeps its fields on the prototype; the wire needs a plain object. */
const plainDescription = ({ type, sdp }) => ({ type, sdp });

/** Whether the connected pair of candidates goes through a TURN relay. */
async function routeOf(pc) {
  const stats = await pc.getStats();
  let pair;
  stats.forEach((report) => {
    if (report.type === "transport" && report.selectedCandidatePairId) pair = stats.get(report.selectedCandidatePairId);
  });
  const relayed = [pair?.localCandidateId, pair?.remoteCandidateId].some((id) => stats.get(id)?.candidateType === "relay");
  return relayed ? CallOutcome.Relayed : CallOutcome.Direct;
}

export class Call extends EventTarget {
  #send;
  #iceServers;
  #pc = null;
  #localStream = null;
  /** The caller tells the server how the call went, once, so that each call is counted once. */
  #outcomeToReport = false;
  /** Candidates that arrive before the remote description is set. */
  #earlyCandidates = [];

  /**
   * `send(type, payload)` delivers a signaling message to the partner. Events:
   * `localstream` and `remotestream` (detail: MediaStream), `statechange` (detail: connection state).
   */
  constructor({ kind, iceServers, send }) {
    super();
    this.kind = kind;
    this.#iceServers = iceServers;
    this.#send = send;
  }

  get peerConnection() {
    return this.#pc;
  }

  get connectionState() {
    return this.#pc?.connectionState ?? "new";
  }

  /** Calls the partner. */
  async start() {
    this.#outcomeToReport = true;
    await this.#open();
    const offer = await this.#pc.createOffer();
    await this.#pc.setLocalDescription(offer);
    this.#send(ChatClientMessage.Offer, { offer: plainDescription(this.#pc.localDescription), type: this.kind });
  }

  /** Answers the partner's offer. */
  async accept(offer) {
    await this.#open();
    await this.#pc.setRemoteDescription(offer);
    await this.#addEarlyCandidates();
    const answer = await this.#pc.createAnswer();
    await this.#pc.setLocalDescription(answer);
    this.#send(ChatClientMessage.Answer, { answer: plainDescription(this.#pc.localDescription) });
  }

  async receiveAnswer(answer) {
    if (!this.#pc || this.#pc.signalingState !== "have-local-offer") return;
    await this.#pc.setRemoteDescription(answer);
    await this.#addEarlyCandidates();
  }

  async receiveCandidate(candidate) {
    if (!candidate) return;
    if (this.#pc?.remoteDescription) await this.#pc.addIceCandidate(candidate);
    else this.#earlyCandidates.push(candidate);
  }

  /** Stops the media and the connection; the partner is told when `tellPartner`. */
  close({ tellPartner }) {
    if (tellPartner) this.#send(ChatClientMessage.EndCall, {});
    for (const track of this.#localStream?.getTracks() ?? []) track.stop();
    this.#pc?.close();
    this.#dispatch("statechange", "closed");
  }

  async #open() {
    this.#localStream = await navigator.mediaDevices.getUserMedia(mediaFor(this.kind));
    this.#dispatch("localstream", this.#localStream);
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers });
    this.#pc = pc;
    for (const track of this.#localStream.getTracks()) pc.addTrack(track, this.#localStream);
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (candidate) this.#send(ChatClientMessage.IceCandidate, { candidate: candidate.toJSON() });
    });
    pc.addEventListener("track", ({ streams }) => this.#dispatch("remotestream", streams[0]));
    pc.addEventListener("connectionstatechange", () => {
      this.#dispatch("statechange", pc.connectionState);
      this.#reportOutcome(pc.connectionState).catch(() => undefined); // a lost metric harms no one
    });
  }

  async #reportOutcome(state) {
    if (!this.#outcomeToReport || (state !== "connected" && state !== "failed")) return;
    this.#outcomeToReport = false;
    const outcome = state === "failed" ? CallOutcome.Failed : await routeOf(this.#pc);
    this.#send(ChatClientMessage.CallStats, { outcome });
  }

  async #addEarlyCandidates() {
    const early = this.#earlyCandidates.splice(0);
    for (const candidate of early) await this.#pc.addIceCandidate(candidate);
  }

  #dispatch(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
