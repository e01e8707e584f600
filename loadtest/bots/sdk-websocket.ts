import WebSocket from "ws";

/**
 * The SDK uses Node's built-in WebSocket (undici) when there is one, and its own `ws`
 * dependency otherwise. On `ws` the bots spend markedly less CPU per frame, and the
 * generator must not be what limits a figure, so workers hand the SDK `ws` before
 * loading it (BENCH_BOT_WEBSOCKET=builtin keeps Node's). Nothing else changes: same
 * SDK, same protocol on the wire.
 */
if (process.env.BENCH_BOT_WEBSOCKET !== "builtin") {
  globalThis.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
}
