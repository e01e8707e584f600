// Solves the server's guest challenge (ALTCHA v2, SHA-256) off the page's thread and reports how far
// it has got against the challenge's counter bound. Each step hashes synchronously (@noble/hashes):
// awaiting crypto.subtle.digest once per counter spends most of the time in promise turns.
import { sha256 } from "/vendor/noble-hashes/sha2.js";
import { bufferStartsWith, bufferToHex, concatBuffers, hexToBuffer } from "/vendor/altcha/helpers.js";
import { PasswordBuffer } from "/vendor/altcha/pow.js";

const PROGRESS_EVERY = 5000;
const MAX_COUNTER = 0xffffffff;

/** altcha-lib's key derivation for SHA-256: `cost` rounds over salt + password, cut to `keyLength`. */
function deriveKey({ cost, keyLength = 32 }, salt, password) {
  let key = concatBuffers(salt, password);
  for (let round = 0; round < Math.max(1, cost); round++) key = sha256(key);
  return key.subarray(0, keyLength);
}

self.onmessage = ({ data: { challenge } }) => {
  const { parameters } = challenge;
  if (parameters.algorithm !== "SHA-256") {
    self.postMessage({ error: `unsupported algorithm ${parameters.algorithm}` });
    return;
  }
  const salt = hexToBuffer(parameters.salt);
  const prefix = hexToBuffer(parameters.keyPrefix);
  const password = new PasswordBuffer(hexToBuffer(parameters.nonce));
  const bound = parameters.data?.max ?? MAX_COUNTER;
  const start = performance.now();
  for (let counter = 0; counter <= MAX_COUNTER; counter++) {
    const derivedKey = deriveKey(parameters, salt, password.setCounter(counter));
    if (bufferStartsWith(derivedKey, prefix)) {
      const time = Math.round(performance.now() - start);
      self.postMessage({ solution: { counter, derivedKey: bufferToHex(derivedKey), time } });
      return;
    }
    if (counter % PROGRESS_EVERY === 0) self.postMessage({ progress: Math.min(0.99, counter / bound) });
  }
  self.postMessage({ error: "no solution" });
};
