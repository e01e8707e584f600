// The proof of work a guest sign-up needs: fetch a challenge, solve it in a Web Worker, and hand back
// the `altcha` value POST /api/auth/guest expects. `onProgress(fraction)` drives a progress bar.

export async function solveGuestChallenge(onProgress = () => {}) {
  const response = await fetch("/api/auth/challenge", { cache: "no-store" });
  if (response.status === 404) return undefined; // this server asks no challenge
  const body = await response.json();
  if (!response.ok) throw new Error(body?.message ?? `challenge: ${response.status}`);
  const { challenge } = body.data;
  const worker = new Worker("/challenge-worker.js", { type: "module" });
  try {
    const solution = await new Promise((resolve, reject) => {
      worker.onerror = (event) => reject(new Error(event.message || "the challenge worker failed"));
      worker.onmessage = ({ data }) => {
        if (data.progress !== undefined) onProgress(data.progress);
        else if (data.solution) resolve(data.solution);
        else reject(new Error(data.error ?? "the challenge was not solved"));
      };
      worker.postMessage({ challenge });
    });
    onProgress(1);
    return btoa(JSON.stringify({ challenge, solution }));
  } finally {
    worker.terminate();
  }
}
