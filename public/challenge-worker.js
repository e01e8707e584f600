// Solves the server's guest challenge (ALTCHA v2, SHA-256) off the page's thread, with altcha-lib's
// own browser key derivation, and reports how far it has got against the challenge's counter bound.
import { deriveKey } from "/vendor/altcha/algorithms/web/sha.js";
import { bufferStartsWith, bufferToHex, hexToBuffer } from "/vendor/altcha/helpers.js";
import { PasswordBuffer } from "/vendor/altcha/pow.js";

const PROGRESS_EVERY = 2000;
const MAX_COUNTER = 0xffffffff;

self.onmessage = async ({ data: { challenge } }) => {
  const { parameters } = challenge;
  const salt = hexToBuffer(parameters.salt);
  const prefix = hexToBuffer(parameters.keyPrefix);
  const password = new PasswordBuffer(hexToBuffer(parameters.nonce));
  const bound = parameters.data?.max ?? MAX_COUNTER;
  const start = performance.now();
  for (let counter = 0; counter <= MAX_COUNTER; counter++) {
    const { derivedKey } = await deriveKey(parameters, salt, password.setCounter(counter));
    if (bufferStartsWith(derivedKey, prefix)) {
      const time = Math.round(performance.now() - start);
      self.postMessage({ solution: { counter, derivedKey: bufferToHex(derivedKey), time } });
      return;
    }
    if (counter % PROGRESS_EVERY === 0) self.postMessage({ progress: Math.min(0.99, counter / bound) });
  }
  self.postMessage({ error: "no solution" });
};
