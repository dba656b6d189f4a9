"""PyTorch CPU counterpart of the GPT lines of `npm run bench` (src/bench/gpt_bench.ts).

Reads a JSON job from argv[1] (built by `gptBench.torchJob` in src/bench/gpt_bench.ts):
  {"cases": [{"name", "config": GPTConfig fields, "train": {"batch", "seq"},
              "sample": {"batch", "prompt", "newTokens"}, "repeats"}],
   "lines": {"train": label, "cache": label, "nocache": label}}
and prints one JSON object per line:
  {"case", "line": label, "tokensPerSec" (from the best call), "bestMs", "medianMs"}
after a first line {"torch": version, "transformers": version, "threads": n}.
Timing matches the TypeScript side: 2 warm-up calls, then `repeats` timed calls.

The work mirrors the TypeScript bench: HF GPT2LMHeadModel with dropout off; training = forward,
cross-entropy of the logits against the input ids (unshifted: the cost of a next-token loss without the bookkeeping), backward, Adam step; sampling = HF `generate` (do_sample, top_k 0,
exactly newTokens tokens) with and without the KV cache, which is the path TRL/RL4LMs take.
"""
import json
import sys
import time

import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel
from transformers.utils import logging as hf_logging


def build(cfg):
    hf = GPT2Config(
        vocab_size=cfg["vocabSize"], n_positions=cfg["nPositions"], n_embd=cfg["dModel"], n_layer=cfg["nLayer"],
        n_head=cfg["nHead"], resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
        layer_norm_epsilon=cfg["layerNormEps"], tie_word_embeddings=cfg["tiedEmbeddings"],
        bos_token_id=0, eos_token_id=0, pad_token_id=0,
    )
    return GPT2LMHeadModel(hf)


def timed(fn, repeats):
    """Best and median seconds of `repeats` calls after 2 warm-up calls."""
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[0], times[len(times) // 2]


def emit(case, line, tokens, best, median):
    print(json.dumps({"case": case, "line": line, "tokensPerSec": tokens / best, "bestMs": best * 1e3, "medianMs": median * 1e3}), flush=True)


def main():
    hf_logging.set_verbosity_error()
    job = json.loads(sys.argv[1])
    torch.manual_seed(0)
    print(json.dumps({"torch": torch.__version__, "transformers": transformers.__version__, "threads": torch.get_num_threads()}), flush=True)
    for case in job["cases"]:
        cfg = case["config"]
        model = build(cfg)
        vocab = cfg["vocabSize"]
        repeats = case["repeats"]
        lines = job["lines"]

        tr = case["train"]
        ids = torch.randint(0, vocab, (tr["batch"], tr["seq"]))
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)
        model.train()

        def train_step():
            logits = model(input_ids=ids).logits
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), ids.reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        emit(case["name"], lines["train"], tr["batch"] * tr["seq"], *timed(train_step, repeats))

        sp = case["sample"]
        model.eval()
        prompts = torch.randint(0, vocab, (sp["batch"], sp["prompt"]))
        mask = torch.ones_like(prompts)
        for use_cache, line in ((True, lines["cache"]), (False, lines["nocache"])):
            def sample():
                with torch.no_grad():
                    model.generate(
                        input_ids=prompts, attention_mask=mask, do_sample=True, top_k=0, top_p=1.0, temperature=1.0,
                        max_new_tokens=sp["newTokens"], min_new_tokens=sp["newTokens"], use_cache=use_cache, pad_token_id=0,
                    )
            emit(case["name"], line, sp["batch"] * sp["newTokens"], *timed(sample, repeats))


if __name__ == "__main__":
    main()
