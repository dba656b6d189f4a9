"""Reference logits and token ids of Hugging Face DistilBertForSequenceClassification and the BERT
WordPiece tokenizers, for the TypeScript DistilBERT (test/models/distilbert_hf.test.ts) and
WordPiece tokenizer (test/tokenizer/wordpiece.test.ts).

Writes test/fixtures/models/tiny_distilbert/:
  vocab.txt              the hand-written vocabulary below (one token per line, id = line number)
  config.json, model.safetensors   save_pretrained output (float32), 2 labels NEGATIVE/POSITIVE as in
                         lvwerra/distilbert-imdb
  tokenizer_config.json  written by hand: do_lower_case, model_max_length
  tokenizer.json         the Rust tokenizer's file (its WordPiece vocab is the fallback without vocab.txt)
  expected.json          logits for tokenized texts (right-padded batch) and for raw id batches, and the
                         token ids of BertTokenizerLegacy (the Python BasicTokenizer + WordPiece; the
                         "slow" tokenizer) and BertTokenizer (transformers 5: the Rust `tokenizers`
                         backend; the "fast" one) for tricky texts, with several options.

Weights are random with a large scale (not DistilBERT's 0.02 init) so logits differ visibly between
texts and a wrong layout cannot pass. Run with a Python that has torch, transformers (>= 5) and
safetensors (e.g. python3 -m venv /tmp/venv-ref && /tmp/venv-ref/bin/pip install torch transformers
safetensors numpy); the tests never run Python.
"""
import json
import os
import shutil

import safetensors
import tokenizers
import torch
import transformers
from transformers import DistilBertConfig, DistilBertForSequenceClassification
from transformers.models.bert.tokenization_bert import BertTokenizer
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

SEED = 20231108
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "models", "tiny_distilbert")

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PUNCT = list(".,!?'-()\":;$#/") + ["\u201c", "\u201d", "\u2014", "\u2026"]
WORDS = (
    "the a an this it i you was is not no very so and but of to movie film review acting plot story "
    "good great love loved best fun bad terrible hate boring worst awful like didn t at all cafe creme "
    "naive facade un hello world 10 7 1 5 istanbul strasse stra"
).split()
PIECES = "##s ##ed ##ing ##ly ##able ##aff ##ss ##e ##a ##ß ##ord ##w".split()
CJK = ["\u7535", "\u5f71", "\u597d"]  # 电 影 好 (很 is left out: an unknown CJK character)
CASED = ["Hello", "GREAT"]  # only reachable with do_lower_case = False
VOCAB = SPECIAL + PUNCT + WORDS + PIECES + CJK + CASED

TOKENIZER_TEXTS = [
    "This movie was GREAT!!!",
    "Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade.",
    "I didn't like it... (at all)",
    "unaffable unknownword xyz",
    "  multiple\tspaces\nand\u00a0nbsp\u3000ideographic\u2028line  ",
    "\u7535\u5f71\u5f88\u597d",
    "$5 #1 7/10 review: good",
    "",
    "a" * 101,
    "a" * 100,
    "zero\u200bwidth and\x00nul \ufffd replacement \x07bell",
    "\u201cquoted\u201d \u2014 dash\u2026 end",
    "\u0130stanbul Stra\u00dfe",
    "Cafe\u0301 decomposed",
    "emoji \U0001F600 great",
    "Hello World hello",
    "the loved lovely filmss",
]
# (name, constructor options) for the token-id cases; each runs every text through both tokenizers.
TOKENIZER_OPTIONS = [
    ("uncased", {"do_lower_case": True}),
    ("cased", {"do_lower_case": False}),
    ("uncased_keep_accents", {"do_lower_case": True, "strip_accents": False}),
    ("cased_strip_accents", {"do_lower_case": False, "strip_accents": True}),
    ("no_cjk_split", {"do_lower_case": True, "tokenize_chinese_chars": False}),
]
MODEL_TEXTS = [
    "This movie was great!",
    "terrible, boring film. I didn't like it at all",
    "good",
    "the acting was not bad but the plot was awful and the story was very boring",
]


def provenance():
    return {
        "script": "test/reference/gen_distilbert_fixture.py",
        "seed": SEED,
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
            "safetensors": safetensors.__version__,
        },
    }


def write_json(path, obj):
    with open(path, "w", encoding="utf8") as f:
        json.dump(obj, f, ensure_ascii=True)
        f.write("\n")


def make_model(gen):
    cfg = DistilBertConfig(
        vocab_size=len(VOCAB), max_position_embeddings=24, n_layers=2, n_heads=2, dim=32, hidden_dim=64,
        activation="gelu", pad_token_id=0, num_labels=2,
        id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1},
        attn_implementation="eager",
    )
    model = DistilBertForSequenceClassification(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name or "layer_norm.weight" in name:
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=gen))
    return model


def token_cases(vocab_file):
    cases = []
    for name, opts in TOKENIZER_OPTIONS:
        slow = BertTokenizerLegacy(vocab_file, **opts)
        fast = BertTokenizer(vocab_file, **opts)
        for text in TOKENIZER_TEXTS:
            cases.append({
                "options": name,
                "text": text,
                "slow_tokens": slow.tokenize(text),
                "slow_ids": slow(text)["input_ids"],
                "fast_ids": fast(text)["input_ids"],
            })
    return cases


def main():
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    vocab_file = os.path.join(OUT, "vocab.txt")
    with open(vocab_file, "w", encoding="utf8") as f:
        f.write("".join(t + "\n" for t in VOCAB))
    model = make_model(gen)
    model.save_pretrained(OUT, safe_serialization=True)
    for extra in os.listdir(OUT):
        if extra not in ("model.safetensors", "config.json", "vocab.txt"):
            os.remove(os.path.join(OUT, extra))
    BertTokenizer(vocab_file, do_lower_case=True).backend_tokenizer.save(os.path.join(OUT, "tokenizer.json"))
    write_json(os.path.join(OUT, "tokenizer_config.json"), {"do_lower_case": True, "model_max_length": 24, "tokenizer_class": "DistilBertTokenizer"})

    tok = BertTokenizerLegacy(vocab_file, do_lower_case=True, model_max_length=24)
    enc = tok(MODEL_TEXTS, padding=True, truncation=True, max_length=24, return_tensors="pt")
    truncated = tok(MODEL_TEXTS, padding="max_length", truncation=True, max_length=10, return_tensors="pt")
    ids = torch.randint(5, len(VOCAB), (3, 9), generator=gen)
    ids[:, 0] = VOCAB.index("[CLS]")
    mask = torch.ones(3, 9, dtype=torch.long)
    for row, n in enumerate([9, 6, 3]):
        ids[row, n - 1] = VOCAB.index("[SEP]")
        ids[row, n:] = 0
        mask[row, n:] = 0
    with torch.no_grad():
        text_logits = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits
        trunc_logits = model(input_ids=truncated["input_ids"], attention_mask=truncated["attention_mask"]).logits
        id_logits = model(input_ids=ids, attention_mask=mask).logits
        single = [model(input_ids=tok(t, return_tensors="pt")["input_ids"]).logits[0].tolist() for t in MODEL_TEXTS]

    write_json(os.path.join(OUT, "expected.json"), {
        **provenance(),
        "note": "HF save_pretrained, float32, random weights at scale 0.3 (LayerNorm gains 1 + 0.2 N(0, 1))",
        "texts": {
            "texts": MODEL_TEXTS,
            "input_ids": enc["input_ids"].tolist(),
            "attention_mask": enc["attention_mask"].tolist(),
            "logits": text_logits.tolist(),
            "logits_unpadded": single,
        },
        "truncated": {
            "max_length": 10,
            "input_ids": truncated["input_ids"].tolist(),
            "attention_mask": truncated["attention_mask"].tolist(),
            "logits": trunc_logits.tolist(),
        },
        "ids": {"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "logits": id_logits.tolist()},
        "tokenizer_cases": token_cases(vocab_file),
    })
    for name in os.listdir(OUT):
        os.chmod(os.path.join(OUT, name), 0o644)  # safetensors writes 0600


if __name__ == "__main__":
    main()
