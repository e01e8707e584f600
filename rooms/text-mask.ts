import {
  RegExpMatcher,
  TextCensor,
  asteriskCensorStrategy,
  englishDataset,
  englishRecommendedBlacklistMatcherTransformers,
  englishRecommendedTransformers,
  type TransformerContainer,
} from "obscenity";

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const censor = new TextCensor().setStrategy(asteriskCensorStrategy());

type Transform = (char: number) => number | undefined;

/**
 * The characters of a text as the matcher sees them: its blacklist transformers applied code
 * point by code point (a lone surrogate as itself), in one string made at the end. The simple
 * transformers at the head of the list (confusables, leetspeak, case) are pure functions of a
 * character, by the library's contract, so their combined answer is kept per character of the
 * Basic Multilingual Plane: one table read instead of a walk through the list and its maps.
 */
function transformerChain(containers: readonly TransformerContainer[]): (text: string) => string {
  const leading: Transform[] = [];
  for (const container of containers) {
    if (!("transform" in container)) break;
    leading.push(container.transform);
  }
  const pure: Transform = (char) => {
    let out: number | undefined = char;
    for (let i = 0; i < leading.length && out !== undefined; i++) out = leading[i]!(out);
    return out;
  };
  // 0: not asked yet, 1: dropped, n + 2: becomes n. Pages of the table are touched only as characters come.
  const known = new Int32Array(0x10000);
  const pureKnown = (char: number): number | undefined => {
    if (char > 0xffff) return pure(char);
    let entry = known[char]!;
    if (entry === 0) entry = known[char] = (pure(char) ?? -1) + 2;
    return entry === 1 ? undefined : entry - 2;
  };
  const rest = containers.slice(leading.length).map((container) => ("transform" in container ? { transform: container.transform, reset() {} } : container.factory()));
  const chars: number[] = [];
  return (text) => {
    chars.length = 0;
    for (let i = 0; i < text.length; i++) {
      let char: number | undefined = text.charCodeAt(i);
      const next = text.charCodeAt(i + 1);
      if (char >= 0xd800 && char <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        char = (char - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
        i++;
      }
      char = pureKnown(char);
      for (let j = 0; j < rest.length && char !== undefined; j++) char = rest[j]!.transform(char);
      if (char !== undefined) chars.push(char);
    }
    for (const transformer of rest) transformer.reset();
    return String.fromCodePoint.apply(null, chars);
  };
}

/**
 * One regular expression for every listed word, run on the text transformed as the matcher
 * transforms it (the same transformers: leetspeak, confusables and case resolved, duplicates
 * collapsed). The matcher runs one
 * regular expression per word (over a hundred); most texts contain none of them, and this
 * says so in one pass. A text it matches goes to the full matcher, which also applies the
 * allowed words, so masking results are unchanged. Undefined if the matcher's list of words moved.
 */
function buildListedWordCheck(): ((text: string) => boolean) | undefined {
  const terms = (matcher as unknown as { blacklistedTerms?: { regExp: RegExp }[] }).blacklistedTerms;
  if (!Array.isArray(terms) || terms.length === 0) return undefined;
  const anyListedWord = new RegExp(terms.map((term) => `(?:${term.regExp.source})`).join("|"), "s");
  const transformed = transformerChain(englishRecommendedBlacklistMatcherTransformers);
  return (text) => anyListedWord.test(transformed(text));
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
