/**
 * A validation set for sentiment reward models: short English sentences whose polarity is not in
 * doubt, half clearly positive and half clearly negative, mostly about films (the study's IMDB
 * domain) and some about everyday things. Provenance: written by hand for this repository (no
 * corpus, no model output), so no reward model or lexicon was fitted to them.
 * Some avoid words a lexicon knows ("I would watch it again tomorrow"), and some negate
 * ("not worth the ticket"), so a word-counting scorer is not guaranteed to get all of them right.
 */

/** A sentence with its polarity: 1 clearly positive, 0 clearly negative. */
export interface LabelledSentence {
  readonly text: string;
  readonly label: 0 | 1;
}

/** Clearly positive sentences (label 1). */
export const POSITIVE_SENTENCES: readonly string[] = Object.freeze([
  'This movie was wonderful from start to finish.',
  'I loved every minute of it.',
  'A beautiful, moving story with brilliant acting.',
  'The best film I have seen all year.',
  'The cast is superb and the script is sharp and funny.',
  'What a delightful surprise this turned out to be.',
  'I laughed, I cried, and I would watch it again tomorrow.',
  'An absolute masterpiece of modern cinema.',
  'The soundtrack is gorgeous and the photography stunning.',
  'Warm, clever and full of heart.',
  'My whole family enjoyed it, kids included.',
  'The ending left me smiling for hours.',
  'Easily one of the greatest performances of her career.',
  'A thrilling ride that never lets up.',
  'The dialogue is witty and the pacing is perfect.',
  'I highly recommend it to anyone who loves a good story.',
  'Charming, hopeful and beautifully made.',
  'It is a joy to watch.',
  'The director has created something truly special.',
  'Fantastic effects and a genuinely exciting plot.',
  'We left the theater happy and inspired.',
  'The characters feel real and I cared about every one of them.',
  'A triumph, and worth every penny.',
  'Ten out of ten, an instant classic.',
  'Smart, funny and touching at the same time.',
  'The lead actor gives a brilliant, unforgettable performance.',
  'I was hooked from the very first scene.',
  'A lovely film that made my day.',
  'This is exactly the kind of movie I hope for and rarely get.',
  'Great fun, great music, great company.',
  'The food was delicious and the staff were so kind.',
  'Our holiday was perfect and the weather was glorious.',
  'She did an excellent job and I am proud of her.',
  'This new phone is fast, reliable and a pleasure to use.',
  'What a fantastic day with good friends.',
  'The book is inspiring and beautifully written.',
  'I am thrilled with the result.',
  'A heartwarming story told with real skill and love.',
  'The performances are outstanding across the board.',
  'It exceeded all my expectations.',
  'An amazing, uplifting experience.',
  'Funny, tender and wise: I adored it.',
  'Every scene is a pleasure to look at.',
  'I cannot wait to see it again.',
  'Simply brilliant.',
]);

/** Clearly negative sentences (label 0). */
export const NEGATIVE_SENTENCES: readonly string[] = Object.freeze([
  'This movie was terrible from start to finish.',
  'I hated every minute of it.',
  'A dull, lifeless story with awful acting.',
  'The worst film I have seen all year.',
  'The cast is wooden and the script is stupid.',
  'What a boring waste of two hours.',
  'I walked out halfway through and wanted my money back.',
  'An absolute disaster of a movie.',
  'The soundtrack is annoying and the photography ugly.',
  'Cold, pointless and completely heartless.',
  'My whole family regretted watching it.',
  'The ending was so bad that I felt cheated.',
  'Easily the weakest performance of her career.',
  'A painfully slow mess that goes nowhere.',
  'The dialogue is clumsy and the pacing is dreadful.',
  'I would not recommend it to anyone.',
  'Tedious, predictable and badly made.',
  'It is a chore to sit through.',
  'The director has made something truly awful.',
  'Cheap effects and a ridiculous plot.',
  'We left the theater angry and disappointed.',
  'The characters are flat and I did not care about any of them.',
  'A failure, and not worth the ticket.',
  'One out of ten, a total flop.',
  'Dumb, unfunny and offensive at the same time.',
  'The lead actor gives a lazy, forgettable performance.',
  'I was bored from the very first scene.',
  'A miserable film that ruined my evening.',
  'This is exactly the kind of movie I dread and keep getting.',
  'Bad jokes, bad music, bad everything.',
  'The food was disgusting and the staff were rude.',
  'Our holiday was a nightmare and the weather was horrible.',
  'He did a poor job and I am ashamed of it.',
  'This new phone is slow, broken and a pain to use.',
  'What a horrible day, everything went wrong.',
  'The book is dull and badly written.',
  'I am furious about the result.',
  'A depressing story told without any skill or care.',
  'The performances are embarrassing across the board.',
  'It fell far below even my low expectations.',
  'A dreadful, tiresome experience.',
  'Cruel, ugly and stupid: I despised it.',
  'Every scene is painful to look at.',
  'I never want to see it again.',
  'Simply awful.',
]);

/** Both lists as one labelled set: all positive sentences (label 1), then all negative ones (label 0). */
export function labelledSentimentSentences(): LabelledSentence[] {
  return [
    ...POSITIVE_SENTENCES.map((text) => ({ text, label: 1 as const })),
    ...NEGATIVE_SENTENCES.map((text) => ({ text, label: 0 as const })),
  ];
}
