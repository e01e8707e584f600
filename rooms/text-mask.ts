import { RegExpMatcher, TextCensor, asteriskCensorStrategy, englishDataset, englishRecommendedTransformers } from "obscenity";

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const censor = new TextCensor().setStrategy(asteriskCensorStrategy());

/** What `RegExpMatcher` keeps private and the quick check reuses, so both see the same text and the same words. */
interface MatcherInternals {
  blacklistedTerms?: { regExp: RegExp }[];
  blacklistMatcherTransformers?: unknown;
  applyTransformers?: (input: string, transformers: unknown) => [number[], string];
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
  const transform = internals.applyTransformers;
  if (!Array.isArray(terms) || terms.length === 0 || typeof transform !== "function") return undefined;
  const anyListedWord = new RegExp(terms.map((term) => `(?:${term.regExp.source})`).join("|"), "s");
  return (text) => anyListedWord.test(transform.call(matcher, text, internals.blacklistMatcherTransformers)[1]);
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
