// Records a voice note from the microphone with MediaRecorder.

const PREFERRED_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm"];

export class VoiceRecorder {
  #recorder = null;
  #chunks = [];
  #startedAt = 0;

  get recording() {
    return this.#recorder?.state === "recording";
  }

  get elapsedSeconds() {
    return this.recording ? Math.floor((Date.now() - this.#startedAt) / 1000) : 0;
  }

  async start() {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const mimeType = PREFERRED_TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    this.#recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    this.#chunks = [];
    this.#recorder.addEventListener("dataavailable", ({ data }) => {
      if (data.size > 0) this.#chunks.push(data);
    });
    this.#recorder.start();
    this.#startedAt = Date.now();
  }

  /** Stops recording and releases the microphone; resolves with the recorded audio. */
  stop() {
    const recorder = this.#recorder;
    return new Promise((resolve) => {
      recorder.addEventListener(
        "stop",
        () => {
          for (const track of recorder.stream.getTracks()) track.stop();
          resolve(new Blob(this.#chunks, { type: recorder.mimeType }));
        },
        { once: true },
      );
      recorder.stop();
    });
  }
}
