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
  #closed = false;
  /** The caller tells the server how the call went, once, so that each call is counted once. */
  #outcomeToReport = false;
  /** Candidates that arrive before the remote description is set (while ringing, say). */
  #earlyCandidates = [];

  /**
   * `iceServers()` resolves the STUN/TURN list; `send(type, payload)` delivers a signaling
   * message to the partner. Events: `localstream` and `remotestream` (detail: MediaStream),
   * `statechange` (detail: the connection state).
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
    if (!(await this.#open())) return;
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    this.#send(ChatClientMessage.Offer, { offer: plainDescription(this.#pc.localDescription), type: this.kind });
  }

  /** Answers the partner's offer. */
  async accept(offer) {
    if (!(await this.#open())) return;
    await this.#pc.setRemoteDescription(offer);
    await this.#addEarlyCandidates();
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    this.#send(ChatClientMessage.Answer, { answer: plainDescription(this.#pc.localDescription) });
  }

  async receiveAnswer(answer) {
    if (this.#pc?.signalingState !== "have-local-offer") return;
    await this.#pc.setRemoteDescription(answer);
    await this.#addEarlyCandidates();
  }

  async receiveCandidate(candidate) {
    if (!candidate || this.#closed) return;
    if (this.#pc?.remoteDescription) await this.#addCandidate(candidate);
    else this.#earlyCandidates.push(candidate);
  }

  /** Stops the media and the connection; the partner is told when `tellPartner`. */
  close({ tellPartner }) {
    this.#closed = true;
    if (tellPartner) this.#send(ChatClientMessage.EndCall, {});
    for (const track of this.#localStream?.getTracks() ?? []) track.stop();
    this.#pc?.close();
    this.#dispatch("statechange", "closed");
  }

  /** False when the call was closed while the camera, microphone or ICE servers were awaited. */
  async #open() {
    const [iceServers, stream] = await Promise.all([this.#iceServers(), navigator.mediaDevices.getUserMedia(mediaFor(this.kind))]);
    if (this.#closed) {
      for (const track of stream.getTracks()) track.stop();
      return false;
    }
    this.#localStream = stream;
    this.#dispatch("localstream", stream);
    const pc = new RTCPeerConnection({ iceServers });
    this.#pc = pc;
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (candidate) this.#send(ChatClientMessage.IceCandidate, { candidate: candidate.toJSON() });
    });
    pc.addEventListener("track", ({ streams }) => this.#dispatch("remotestream", streams[0]));
    pc.addEventListener("connectionstatechange", () => {
      this.#dispatch("statechange", pc.connectionState);
      this.#reportOutcome(pc.connectionState).catch(() => undefined); // a lost metric harms no one
    });
    return true;
  }

  async #reportOutcome(state) {
    if (!this.#outcomeToReport || (state !== "connected" && state !== "failed")) return;
    this.#outcomeToReport = false;
    const outcome = state === "failed" ? CallOutcome.Failed : await routeOf(this.#pc);
    this.#send(ChatClientMessage.CallStats, { outcome });
  }

  async #addEarlyCandidates() {
    for (const candidate of this.#earlyCandidates.splice(0)) await this.#addCandidate(candidate);
  }

  /** A candidate of an offer that lost to another (both called at once) is refused; the call goes on. */
  async #addCandidate(candidate) {
    await this.#pc.addIceCandidate(candidate).catch(() => undefined);
  }

  #dispatch(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
