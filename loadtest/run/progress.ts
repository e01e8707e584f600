/** Progress on stderr: a line per event, and a line rewritten in place while something runs (when stderr is a terminal). */
const live = process.stderr.isTTY;
const startedAt = performance.now();
let pending = false;

const clock = () => {
  const s = Math.round((performance.now() - startedAt) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
};

function clearLive(): void {
  if (pending) process.stderr.write("\r\x1b[K");
  pending = false;
}

export function say(message: string): void {
  clearLive();
  process.stderr.write(`[${clock()}] ${message}\n`);
}

/** A status that the next one replaces; without a terminal, only every `everyMs` gets printed. */
let lastPlain = 0;
export function status(message: string, everyMs = 5000): void {
  if (live) {
    process.stderr.write(`\r\x1b[K[${clock()}]   ${message}`);
    pending = true;
  } else if (performance.now() - lastPlain >= everyMs) {
    lastPlain = performance.now();
    process.stderr.write(`[${clock()}]   ${message}\n`);
  }
}
