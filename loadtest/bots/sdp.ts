import { randomBytes, randomInt } from "node:crypto";

/**
 * Session descriptions shaped like the ones Chrome produces (bundle, ICE credentials,
 * DTLS fingerprint, the usual codec list, RTP header extensions, SSRC lines), so a
 * relayed offer weighs what a real one does: about 3 KB for audio, 6-7 KB with video.
 */
export type CallKind = "audio" | "video";

const token = (bytes: number) => randomBytes(bytes).toString("base64").replace(/[^a-zA-Z0-9]/g, "x");
const fingerprint = () => [...randomBytes(32)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");

const AUDIO_CODECS = [
  "a=rtpmap:111 opus/48000/2",
  "a=rtcp-fb:111 transport-cc",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "a=rtpmap:63 red/48000/2",
  "a=fmtp:63 111/111",
  "a=rtpmap:9 G722/8000",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:13 CN/8000",
  "a=rtpmap:110 telephone-event/48000",
  "a=rtpmap:126 telephone-event/8000",
];

const AUDIO_EXTENSIONS = [
  "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
  "urn:ietf:params:rtp-hdrext:sdes:mid",
];

const VIDEO_EXTENSIONS = [
  "urn:ietf:params:rtp-hdrext:toffset",
  "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
  "urn:3gpp:video-orientation",
  "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
  "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
  "http://www.webrtc.org/experiments/rtp-hdrext/video-content-type",
  "http://www.webrtc.org/experiments/rtp-hdrext/video-timing",
  "http://www.webrtc.org/experiments/rtp-hdrext/color-space",
  "urn:ietf:params:rtp-hdrext:sdes:mid",
  "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
  "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
];

/** Video payload types with their fmtp, each followed by an RTX type. */
const VIDEO_CODECS: Array<[number, string, string | undefined]> = [
  [96, "VP8/90000", undefined],
  [98, "VP9/90000", "profile-id=0"],
  [100, "VP9/90000", "profile-id=2"],
  [102, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"],
  [104, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f"],
  [106, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"],
  [108, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f"],
  [112, "H264/90000", "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f"],
  [35, "AV1/90000", "level-idx=5;profile=0;tier=0"],
  [114, "H265/90000", "level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST"],
];

function mediaSection(kind: CallKind | "audio", mid: number, ice: { ufrag: string; pwd: string; fp: string }, stream: string): string[] {
  const isVideo = kind === "video";
  const payloadTypes = isVideo
    ? VIDEO_CODECS.flatMap(([pt]) => [pt, pt + 1]).concat([116, 117, 118])
    : [111, 63, 9, 0, 8, 13, 110, 126];
  const lines = [
    `m=${kind} 9 UDP/TLS/RTP/SAVPF ${payloadTypes.join(" ")}`,
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    `a=ice-ufrag:${ice.ufrag}`,
    `a=ice-pwd:${ice.pwd}`,
    "a=ice-options:trickle",
    `a=fingerprint:sha-256 ${ice.fp}`,
    "a=setup:actpass",
    `a=mid:${mid}`,
    ...(isVideo ? VIDEO_EXTENSIONS : AUDIO_EXTENSIONS).map((uri, i) => `a=extmap:${i + 1} ${uri}`),
    "a=sendrecv",
    `a=msid:${stream} ${token(27)}`,
    "a=rtcp-mux",
  ];
  if (isVideo) {
    lines.push("a=rtcp-rsize");
    for (const [pt, codec, fmtp] of VIDEO_CODECS) {
      lines.push(`a=rtpmap:${pt} ${codec}`);
      for (const fb of ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"]) lines.push(`a=rtcp-fb:${pt} ${fb}`);
      if (fmtp) lines.push(`a=fmtp:${pt} ${fmtp}`);
      lines.push(`a=rtpmap:${pt + 1} rtx/90000`, `a=fmtp:${pt + 1} apt=${pt}`);
    }
    lines.push("a=rtpmap:116 red/90000", "a=rtpmap:117 rtx/90000", "a=fmtp:117 apt=116", "a=rtpmap:118 ulpfec/90000");
    const [primary, repair] = [randomInt(1, 2 ** 31), randomInt(1, 2 ** 31)];
    lines.push(`a=ssrc-group:FID ${primary} ${repair}`);
    for (const ssrc of [primary, repair]) lines.push(`a=ssrc:${ssrc} cname:${token(12)}`, `a=ssrc:${ssrc} msid:${stream} ${token(27)}`);
  } else {
    lines.push(...AUDIO_CODECS);
    const ssrc = randomInt(1, 2 ** 31);
    lines.push(`a=ssrc:${ssrc} cname:${token(12)}`, `a=ssrc:${ssrc} msid:${stream} ${token(27)}`);
  }
  return lines;
}

/** A session description for an offer or an answer; an answer lists the same media. */
export function sessionDescription(kind: CallKind): string {
  const ice = { ufrag: token(3).slice(0, 4), pwd: token(18).slice(0, 24), fp: fingerprint() };
  const stream = token(27);
  const media = kind === "video" ? ["audio", "video"] as const : ["audio"] as const;
  const lines = [
    "v=0",
    `o=- ${randomInt(1, 2 ** 47)} 2 IN IP4 127.0.0.1`,
    "s=-",
    "t=0 0",
    `a=group:BUNDLE ${media.map((_, i) => i).join(" ")}`,
    "a=extmap-allow-mixed",
    `a=msid-semantic: WMS ${stream}`,
    ...media.flatMap((m, i) => mediaSection(m, i, ice, stream)),
  ];
  return lines.join("\r\n") + "\r\n";
}

/** A trickled ICE candidate as `RTCIceCandidate.toJSON()` gives it. */
export function iceCandidate(index: number): { candidate: string; sdpMid: string; sdpMLineIndex: number; usernameFragment: string } {
  const port = 40000 + randomInt(0, 20000);
  const types = [
    `typ host generation 0 ufrag ${token(3).slice(0, 4)} network-id 1`,
    `typ srflx raddr 192.168.1.${randomInt(2, 250)} rport ${port} generation 0 ufrag ${token(3).slice(0, 4)} network-id 1 network-cost 10`,
    `typ relay raddr 203.0.113.${randomInt(2, 250)} rport ${port} generation 0 ufrag ${token(3).slice(0, 4)} network-id 1 network-cost 10`,
  ];
  const address = `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
  return {
    candidate: `candidate:${randomInt(1, 2 ** 32)} 1 udp ${2122260223 - index * 1000} ${address} ${port} ${types[index % types.length]}`,
    sdpMid: String(index % 2),
    sdpMLineIndex: index % 2,
    usernameFragment: token(3).slice(0, 4),
  };
}
