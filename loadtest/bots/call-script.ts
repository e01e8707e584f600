import { CallKind } from "../../rooms/protocol.ts";
import { iceCandidate, sessionDescription } from "./sdp.ts";

/** Distinct descriptions per worker; made once, so the generator spends no CPU on them per call. */
const VARIANTS = 16;
export const CALL_CANDIDATES_PER_SIDE = 6;

/** The signaling one call sends: an offer or an answer, then trickled ICE candidates. */
export class CallScript {
  readonly #offers: string[];
  readonly #answers: string[];
  readonly #candidates: Array<ReturnType<typeof iceCandidate>>;
  readonly #candidatesPerSide: number;
  #turn = 0;

  constructor(candidatesPerSide = CALL_CANDIDATES_PER_SIDE) {
    this.#offers = Array.from({ length: VARIANTS }, () => sessionDescription(CallKind.Video));
    this.#answers = Array.from({ length: VARIANTS }, () => sessionDescription(CallKind.Video));
    this.#candidates = Array.from({ length: VARIANTS * candidatesPerSide }, (_, i) => iceCandidate(i));
    this.#candidatesPerSide = candidatesPerSide;
  }

  offer() {
    return { offer: { type: "offer" as const, sdp: this.#offers[this.#turn++ % VARIANTS]! }, type: CallKind.Video };
  }

  answer() {
    return { answer: { type: "answer" as const, sdp: this.#answers[this.#turn++ % VARIANTS]! } };
  }

  candidates() {
    const start = (this.#turn++ % VARIANTS) * this.#candidatesPerSide;
    return this.#candidates.slice(start, start + this.#candidatesPerSide).map((candidate) => ({ candidate }));
  }
}
