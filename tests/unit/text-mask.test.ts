import assert from "node:assert/strict";
import { RegExpMatcher, SyntaxKind, TextCensor, asteriskCensorStrategy, englishDataset, englishRecommendedTransformers, type Node } from "obscenity";
import { maskProfanity, mayHoldProfanity } from "../../rooms/text-mask.ts";

/** Masking as the library does it alone: every listed word, one regular expression each, then the allowed words. */
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const censor = new TextCensor().setStrategy(asteriskCensorStrategy());
const maskedByLibraryAlone = (text: string): string => censor.applyTo(text, matcher.getAllMatches(text, true));

/** A small seeded generator, so a failure names a text that comes back on the next run. */
function randomSource(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = randomSource(19);
const pick = <T>(items: ArrayLike<T>): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number): boolean => random() < p;

const LEET: Record<string, string> = { a: "@4", c: "(", e: "3", g: "6", i: "1|!", l: "/", o: "0", s: "$5", t: "7", z: "2" };
const LOOK_ALIKES: Record<string, string[]> = {
  a: ["а", "ａ", "ⓐ", "𝐚", "ɑ", "à"], b: ["ｂ", "ⓑ", "Ь"], c: ["с", "ｃ", "ⓒ", "ç"], d: ["ｄ", "ⓓ"], e: ["е", "ｅ", "ⓔ", "é"],
  f: ["ｆ", "ⓕ"], g: ["ｇ", "ⓖ"], h: ["ｈ", "ⓗ"], i: ["і", "ｉ", "ⓘ", "í"], k: ["ｋ", "ⓚ"], n: ["ｎ", "ⓝ", "ñ"],
  o: ["о", "ｏ", "ⓞ", "ö"], r: ["ｒ", "ⓡ"], s: ["ѕ", "ｓ", "ⓢ"], t: ["ｔ", "ⓣ"], u: ["ｕ", "ⓤ", "ü"],
};
const CLEAN_WORDS = "hey how are you doing today I am from berlin and like hiking music movies what is your name nice to meet".split(" ");
const ANY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 @$!|/(.,:;-_'\"?*&#+=~\n\tаеоіѕｆⓤ😀é";

/** One spelling that the pattern matches (optional parts in or out, any character for a wildcard), with its word boundaries. */
function spell(nodes: Node[]): string {
  let word = "";
  for (const node of nodes) {
    if (node.kind === SyntaxKind.Literal) word += String.fromCodePoint(...node.chars);
    else if (node.kind === SyntaxKind.Wildcard) word += pick("abcdefghijklmnopqrstuvwxyz");
    else if (node.kind === SyntaxKind.Optional && chance(0.5)) word += spell([node.childNode]);
  }
  return word;
}

/** The same word as people hide it: leetspeak, look-alike letters, case, repeated letters, separators. */
function disguise(word: string): string {
  let out = "";
  for (const char of word) {
    const roll = random();
    if (roll < 0.2 && LEET[char]) out += pick(LEET[char]);
    else if (roll < 0.35 && LOOK_ALIKES[char]) out += pick(LOOK_ALIKES[char]);
    else if (roll < 0.5) out += char.toUpperCase();
    else if (roll < 0.6) out += char.repeat(2 + Math.floor(random() * 3));
    else if (roll < 0.65) out += char + pick([" ", ".", "-", "_", "*"]);
    else out += char;
  }
  return out;
}

const sentence = (words: number): string => Array.from({ length: words }, () => pick(CLEAN_WORDS)).join(" ");
const noise = (length: number): string => Array.from({ length }, () => pick(ANY_CHARS)).join("");

/** Listed words (plain, disguised, glued to other words), allowed words, clean sentences, and random characters. */
function corpus(): string[] {
  const { blacklistedTerms, whitelistedTerms } = englishDataset.build();
  const texts: string[] = [];
  for (const { pattern } of blacklistedTerms) {
    for (let i = 0; i < 40; i++) {
      const word = spell(pattern.nodes);
      const shown = i === 0 ? word : disguise(word);
      const glue = (): string => pick(["", " ", " ", ", ", "!", "x", "s", "ing", "4"]);
      texts.push(i % 4 === 0 ? shown : `${sentence(Math.floor(random() * 4))}${glue()}${shown}${glue()}${sentence(Math.floor(random() * 4))}`);
    }
  }
  for (const allowed of whitelistedTerms ?? []) texts.push(allowed, `so ${allowed} it is`, disguise(allowed));
  for (let i = 0; i < 5_000; i++) texts.push(sentence(1 + Math.floor(random() * 15)));
  for (let i = 0; i < 10_000; i++) texts.push(noise(1 + Math.floor(random() * 120)));
  for (let i = 0; i < 5_000; i++) texts.push(`${i % 10}:${(1.79e12 + random() * 1e9).toFixed(3)}:${sentence(8)}`);
  return texts;
}

describe("profanity masking in moderated chats", () => {
  it("masks every text exactly as the library's matcher alone does, clean texts skipping it", function () {
    this.timeout(120_000);
    const texts = corpus();
    let masked = 0;
    let skipped = 0;
    for (const text of texts) {
      const expected = maskedByLibraryAlone(text);
      assert.equal(maskProfanity(text), expected, `text: ${JSON.stringify(text)}`);
      if (expected !== text) masked++;
      if (!mayHoldProfanity(text)) skipped++;
    }
    // Both kinds are there in numbers, so the comparison means something either way.
    assert.ok(masked > 3_000, `${masked} of ${texts.length} texts were masked`);
    assert.ok(skipped > 10_000, `${skipped} of ${texts.length} texts skipped the full matcher`);
  });

  it("lets everyday chat skip the full matcher", () => {
    for (const text of ["hey, how are you doing today? I'm from Berlin and I like hiking :)", "lol", "what's your favourite movie?"]) {
      assert.equal(mayHoldProfanity(text), false, text);
      assert.equal(maskProfanity(text), text);
    }
    assert.equal(maskProfanity("what the fuck, you b1tch"), "what the ****, you *****");
  });
});
