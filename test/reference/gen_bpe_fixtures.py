"""Reference encodings for src/models/bpe_tokenizer.ts from Hugging Face `tokenizers`.

Step 2 of the BPE fixture (step 1: test/reference/gen_bpe_small_tokenizer.ts writes
test/fixtures/language/bpe_small/tokenizer.json and texts.json). Loads our tokenizer.json with
`tokenizers.Tokenizer.from_file` (so the file must be a valid HF tokenizer.json), encodes every
text without adding special tokens and decodes the ids again, and writes hf_reference.json.
No randomness (seed: none).
Run: /tmp/refvenv/bin/python test/reference/gen_bpe_fixtures.py
"""
import json
import os

import tokenizers
from tokenizers import Tokenizer

DIR = os.path.join(os.path.dirname(__file__), "..", "fixtures", "language", "bpe_small")

tok = Tokenizer.from_file(os.path.join(DIR, "tokenizer.json"))
with open(os.path.join(DIR, "texts.json"), encoding="utf-8") as f:
    texts = json.load(f)
ids = [tok.encode(t, add_special_tokens=False).ids for t in texts]
decoded = [tok.decode(i, skip_special_tokens=False) for i in ids]
out = {
    "script": "test/reference/gen_bpe_fixtures.py",
    "versions": {"tokenizers": tokenizers.__version__},
    "seed": None,
    "vocab_size": tok.get_vocab_size(with_added_tokens=True),
    "texts": texts,
    "ids": ids,
    "decoded": decoded,
}
with open(os.path.join(DIR, "hf_reference.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False)
    f.write("\n")
print(f"wrote {len(texts)} encodings")
