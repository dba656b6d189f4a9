"""Reference logits of Hugging Face GPT2LMHeadModel for the TypeScript GPT (test/models/gpt_hf.test.ts).

Writes, under test/fixtures/models/:
  tiny_gpt2/          HF save_pretrained output (model.safetensors with `transformer.` keys, tied
                      embeddings, float32) + config.json + expected.json (logits, greedy tokens).
  tiny_gpt2_untied/   hand-written safetensors in float16 with unprefixed keys, an untied lm_head and
                      the old `attn.bias` / `attn.masked_bias` buffers (which an importer must skip),
                      + config.json + expected.json (logits of the float16-rounded weights).
  safetensors_dtypes.safetensors + .json   one small tensor per dtype (F32, F16, BF16, F64, I64, I32)
                      with the float64 values each one decodes to, for the reader test.

Weights are random with a large scale (not GPT-2's 0.02 init) so logits differ visibly between
positions and a wrong layout cannot pass. Run with /tmp/refvenv/bin/python (torch, transformers,
safetensors); the tests never run Python.
"""
import json
import os
import shutil

import numpy as np
import safetensors
import torch
import transformers
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2LMHeadModel

SEED = 20231107
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "models")


def provenance():
    return {
        "script": "test/reference/gen_gpt2_fixture.py",
        "seed": SEED,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "safetensors": safetensors.__version__},
    }


def make_model(vocab, n_pos, n_embd, n_layer, n_head, tied, gen):
    cfg = GPT2Config(
        vocab_size=vocab, n_positions=n_pos, n_embd=n_embd, n_layer=n_layer, n_head=n_head,
        tie_word_embeddings=tied, bos_token_id=0, eos_token_id=0, pad_token_id=0,
        attn_implementation="eager",
    )
    model = GPT2LMHeadModel(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_f.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=gen))
    return model


def hf_positions(mask):
    """cumsum(mask) - 1 with pads clipped to 0 (the TypeScript convention; HF generate fills 1, irrelevant for real tokens)."""
    return (mask.long().cumsum(-1) - 1).clamp(min=0)


def run_cases(model, vocab, gen):
    plain = torch.randint(1, vocab, (3, 8), generator=gen)
    lengths = [3, 5, 8]
    padded = torch.randint(1, vocab, (3, 8), generator=gen)
    mask = torch.zeros(3, 8, dtype=torch.long)
    for i, n in enumerate(lengths):
        mask[i, 8 - n:] = 1
        padded[i, : 8 - n] = 0
    with torch.no_grad():
        plain_logits = model(input_ids=plain).logits
        padded_logits = model(input_ids=padded, attention_mask=mask, position_ids=hf_positions(mask)).logits
        greedy = model.generate(
            input_ids=padded, attention_mask=mask, max_new_tokens=4, do_sample=False,
            pad_token_id=0, eos_token_id=None, min_new_tokens=4,
        )[:, 8:]
    return {
        "plain": {"input_ids": plain.tolist(), "logits": plain_logits.tolist()},
        "left_padded": {
            "input_ids": padded.tolist(), "attention_mask": mask.tolist(),
            "logits": padded_logits.tolist(), "greedy_new_tokens": greedy.tolist(),
        },
    }


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)
        f.write("\n")


def tiny_tied(gen):
    out = os.path.join(ROOT, "tiny_gpt2")
    shutil.rmtree(out, ignore_errors=True)
    model = make_model(13, 16, 32, 2, 2, True, gen)
    model.save_pretrained(out, safe_serialization=True)
    for extra in os.listdir(out):
        if extra not in ("model.safetensors", "config.json"):
            os.remove(os.path.join(out, extra))
    cases = run_cases(model, 13, gen)
    write_json(os.path.join(out, "expected.json"), {**provenance(), "note": "HF save_pretrained, tied embeddings, float32", **cases})


def tiny_untied_f16(gen):
    out = os.path.join(ROOT, "tiny_gpt2_untied")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    model = make_model(11, 12, 16, 1, 2, False, gen)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())  # the file stores float16; expected logits use the same rounded weights
    tensors = {}
    for name, p in model.state_dict().items():
        key = name[len("transformer."):] if name.startswith("transformer.") else name
        tensors[key] = p.detach().half().contiguous()
    # Buffers that older transformers versions saved; the importer must skip them.
    tensors["h.0.attn.bias"] = torch.tril(torch.ones(12, 12, dtype=torch.uint8)).view(1, 1, 12, 12).half()
    tensors["h.0.attn.masked_bias"] = torch.tensor(-1e4).half()
    save_file(tensors, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    model.config.to_json_file(os.path.join(out, "config.json"))
    cases = run_cases(model, 11, gen)
    write_json(os.path.join(out, "expected.json"), {**provenance(), "note": "float16 file, unprefixed keys, untied lm_head, attn.bias buffers", **cases})


def dtypes_file():
    values = [0.0, 1.0, -2.5, 3.140625, 65504.0, 1e-3, -7.0, 0.333251953125]
    tensors = {
        "f32": torch.tensor(values, dtype=torch.float32).view(2, 4),
        "f16": torch.tensor(values, dtype=torch.float16).view(2, 4),
        "bf16": torch.tensor(values, dtype=torch.bfloat16).view(4, 2),
        "f64": torch.tensor(values, dtype=torch.float64),
        "i64": torch.tensor([0, 1, -2, 2**31 - 1, -(2**31)], dtype=torch.int64),
        "i32": torch.tensor([[5, -6, 7]], dtype=torch.int32),
    }
    save_file(tensors, os.path.join(ROOT, "safetensors_dtypes.safetensors"), metadata={"note": "reader test"})
    expected = {k: {"shape": list(t.shape), "values": t.double().flatten().tolist()} for k, t in tensors.items()}
    write_json(os.path.join(ROOT, "safetensors_dtypes.json"), {**provenance(), "tensors": expected, "metadata": {"note": "reader test"}})


def main():
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED)
    os.makedirs(ROOT, exist_ok=True)
    tiny_tied(gen)
    tiny_untied_f16(gen)
    dtypes_file()
    for folder, _, files in os.walk(ROOT):
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)  # safetensors writes 0600


if __name__ == "__main__":
    main()
