import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { ChatClientMessage, ChatServerMessage } from "../../rooms/protocol.ts";
import { askForMatch, enterLobby, newUser, type TestUser } from "./realtime.ts";

export interface Offence {
  /** The reporter's address, sent as X-Forwarded-For, so each reporter counts as independent. */
  address: string;
  /** What `target` says in the chat, the message the report quotes. */
  says: string;
  category: string;
}

/** A fresh reporter chats with `target`, who says `offence.says`, and reports it quoting the signed message. */
export async function chatAndReport(baseUrl: string, target: TestUser, offence: Offence): Promise<void> {
  const reporter = await newUser(baseUrl);
  reporter.client = new Client(baseUrl, { headers: { "x-forwarded-for": offence.address } });
  reporter.client.auth.token = reporter.token;
  const [lt, lr] = await Promise.all([enterLobby(target), enterLobby(reporter)]);
  const [mt, mr] = await Promise.all([askForMatch(lt), askForMatch(lr)]);
  assert.equal(mr.matchedUser.id, target.id);
  const [t, r] = await Promise.all([
    target.client.consumeSeatReservation(mt.reservation as any),
    reporter.client.consumeSeatReservation(mr.reservation as any),
  ]);
  await Promise.all([lt.room.leave(), lr.room.leave()]);
  const quoted = new Promise((resolve) => r.onMessage(ChatServerMessage.Message, resolve));
  t.send(ChatClientMessage.Message, { type: "text", content: offence.says });
  r.send(ChatClientMessage.Report, { category: offence.category, messages: [await quoted] });
  await new Promise<void>((resolve) => r.onMessage(ChatServerMessage.ReportAccepted, () => resolve()));
  await Promise.all([t.leave().catch(() => undefined), r.leave().catch(() => undefined)]);
}
