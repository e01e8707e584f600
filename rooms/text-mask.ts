import { RegExpMatcher, TextCensor, asteriskCensorStrategy, englishDataset, englishRecommendedTransformers } from "obscenity";

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const censor = new TextCensor().setStrategy(asteriskCensorStrategy());

/** The matcher's chain of transformers, applied one character (code point) at a time. */
interface TransformerChain {
  applyTo(char: number): number | undefined;
  resetAll(): void;
}

/** What `RegExpMatcher` keeps private and the quick check reuses, so both see the same text and the same words. */
interface MatcherInternals {
  blacklistedTerms?: { regExp: RegExp }[];
  blacklistMatcherTransformers?: Partial<TransformerChain>;
}

/**
 * The text as the matcher transforms it before matching (its `applyTransformers`, code point by
 * code point, a lone surrogate as itself), without the map back to the original positions that
 * the matcher also builds: one string made at the end instead of a string and an array grown per
 * character, which had been a third of everything a relayed message allocated.
 */
function transformed(chain: TransformerChain, text: string): string {
  const chars: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let char = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (char >= 0xd800 && char <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      char = (char - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
      i++;
    }
    const out = chain.applyTo(char);
    if (out !== undefined) chars.push(out);
  }
  chain.resetAll();
  return String.fromCodePoint(...chars);
}

/**
 * One regular expression for every listed word, run on the matcher's own transformed text
 * (leetspeak, confusables and case resolved, duplicates collapsed). The matcher runs one
 * regular expression per word (over a hundred); most texts contain none of them, and this
 * says so in one pass. A text it matches goes to the full matcher, which also applies the
 * allowed words, so masking results are unchanged. Undefined if the library's internals moved.
 */
function buildListedWordCheck(): ((text: string) => boolean) | undefined {
  const internals = matcher as unknown as MatcherInternals;
  const terms = internals.blacklistedTerms;
  const chain = internals.blacklistMatcherTransformers;
  if (!Array.isArray(terms) || terms.length === 0 || typeof chain?.applyTo !== "function" || typeof chain.resetAll !== "function") return undefined;
  const anyListedWord = new RegExp(terms.map((term) => `(?:${term.regExp.source})`).join("|"), "s");
  return (text) => anyListedWord.test(transformed(chain as TransformerChain, text));
}

const quickCheck = buildListedWordCheck();

/** Whether a text may hold a listed word (false only when the full matcher would find none). */
export function mayHoldProfanity(text: string): boolean {
  return quickCheck ? quickCheck(text) : true;
}

/** Text of a moderated chat: slurs and profanity (obscured spellings too) become asterisks. */
export function maskProfanity(text: string): string {
  if (!mayHoldProfanity(text)) return text;
  const matches = matcher.getAllMatches(text, true);
  return matches.length === 0 ? text : censor.applyTo(text, matches);
}
