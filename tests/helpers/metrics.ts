/** One scrape of `GET /metrics`, queried by metric name and labels. */
export class Scrape {
  readonly #lines: string[];

  constructor(text: string) {
    this.#lines = text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
  }

  static async of(baseUrl: string, token?: string): Promise<Scrape> {
    const res = await fetch(`${baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
    return new Scrape(await res.text());
  }

  /** The sample's value; 0 when the series does not exist yet (a counter nobody incremented). */
  value(name: string, labels: Record<string, string> = {}): number {
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = this.#lines.find((l) => {
      const [series] = l.split(" ");
      const bare = series!.split("{")[0];
      return bare === name && wanted.every((pair) => series!.includes(pair));
    });
    return line ? Number(line.split(" ").at(-1)) : 0;
  }
}
