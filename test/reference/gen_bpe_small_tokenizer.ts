/**
 * Step 1 of the BPE reference fixture: trains our tokenizer on the first 400 Brown passages
 * (corpus order, independent of the split) with vocabSize 700 and writes
 * test/fixtures/language/bpe_small/tokenizer.json and texts.json (the strings step 2 encodes).
 * Step 2: test/reference/gen_bpe_fixtures.py encodes them with Hugging Face `tokenizers`.
 * Run: node --import tsx test/reference/gen_bpe_small_tokenizer.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { saveBpeTokenizer, trainBpeTokenizer } from '../../src/tokenizer/bpe_tokenizer';
import { loadBrownPassages } from '../../src/tasks/language/corpus';
import { createRng } from '../../src/util/rng';

export const SMALL_PASSAGES = 400;
export const SMALL_VOCAB = 700;

const dir = path.join(__dirname, '..', 'fixtures', 'language', 'bpe_small');
const passages = loadBrownPassages().slice(0, SMALL_PASSAGES).map((p) => p.text);
saveBpeTokenizer(path.join(dir, 'tokenizer.json'), trainBpeTokenizer(passages, { vocabSize: SMALL_VOCAB }));

// Texts: held-out Brown passages, plus edge cases of the pre-tokeniser and the byte alphabet.
const rng = createRng(7);
const held = loadBrownPassages().slice(SMALL_PASSAGES, SMALL_PASSAGES + 40).map((p) => p.text);
const alphabet = ['a', 'Z', ' ', '  ', '\n', '\t', '\r\n', "'s", "'", '.', '!', '1', '42', 'é', 'ß', '日本', '😀', '👍🏽', '\u0000', '<|endoftext|>', 'the', ' the', 'ing'];
const random = Array.from({ length: 40 }, () => Array.from({ length: 1 + rng.int(12) }, () => rng.choice(alphabet)).join(''));
const edge = [
  '', ' ', '   leading spaces', 'trailing spaces   ', 'two  spaces and\ttab\n\nnewlines \n x',
  "it's don't we'll I'M they've you'd she'll", 'naïve café 😀👍🏽 日本語 مرحبا', '$5,000 #1 9/10 review: 3.14',
  'Review by a Software Engineer: the film', '- So: The', '   .Since', '<|endoftext|>Next<|pad|>', 'a\r\nb\u00a0c',
];
fs.writeFileSync(path.join(dir, 'texts.json'), JSON.stringify([...edge, ...held, ...random], null, 1) + '\n');
