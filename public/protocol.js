// The message names of rooms/protocol.ts that this page uses, as plain JS for the browser.
// tests/browser/page-protocol.test.ts fails when they drift apart.

export const RoomName = { Lobby: "lobby" };

export const LobbyClientMessage = { Match: "user:match", Cancel: "user:cancel" };

export const LobbyServerMessage = {
  ConnectionEstablished: "connection:established",
  Queued: "match:queued",
  Matched: "user:matched",
  SessionReplaced: "session:replaced",
  Error: "error",
};

export const ChatClientMessage = {
  Message: "chat:message",
  Typing: "chat:typing",
  Leave: "chat:leave",
  Offer: "webrtc:offer",
  Answer: "webrtc:answer",
  IceCandidate: "webrtc:ice-candidate",
  EndCall: "webrtc:end",
  CallStats: "webrtc:stats",
  Report: "chat:report",
};

export const ChatServerMessage = {
  Message: "chat:message",
  Ack: "chat:ack",
  Typing: "chat:typing",
  Clear: "chat:clear",
  Offer: "webrtc:offer",
  Answer: "webrtc:answer",
  IceCandidate: "webrtc:ice-candidate",
  EndCall: "webrtc:end",
  PartnerDisconnected: "partner:disconnected",
  PartnerReconnected: "partner:reconnected",
  PartnerLeft: "partner:left",
  ReportAccepted: "report:accepted",
  Meeting: "chat:meeting",
  Error: "error",
};

export const MessageKind = { Text: "text", File: "file", Voice: "voice" };

export const CallKind = { Audio: "audio", Video: "video" };

export const CallOutcome = { Direct: "direct", Relayed: "relayed", Failed: "failed" };

export const PartnerLeftReason = { Left: "left", Timeout: "timeout", NoShow: "no-show" };
