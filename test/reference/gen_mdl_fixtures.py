"""Reference values for the MDL probe code (src/probing/*, src/models/probe_encoder.ts).

Writes test/fixtures/probing/mdl_reference.json:
  - lovering_block_sizes: `compute_mdl`'s split sizes (numpy float64 ceil, overshoot off the last
    block), copied from cjlovering/predicting-inductive-biases main.py @4a61a6e, for several N;
  - lovering_zip: `random_split_partition` after its shuffle (zip(pos, neg) then slicing);
  - probe_encoder: the toy probe of EdoardoPona/predicting-inductive-biases-RL
    models/transformer_toy.py @7606200 (nn.TransformerEncoderLayer defaults, post-LN; head.py
    ClassificationHead) at a small width: its state dict, eval-mode logits for fixed ids, and the
    logits after one Adam step (dropout set to 0 so the step is deterministic);
  - torch_layer_clones_identical: whether nn.TransformerEncoder starts every layer from the same weights.
Run: /tmp/refvenv/bin/python test/reference/gen_mdl_fixtures.py
"""
import itertools
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

SEED = 1234
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "probing", "mdl_reference.json")


def lovering_split_sizes(n):
    split_proportions = np.array([0.1, 0.1, 0.2, 0.4, 0.8, 1.6, 3.05, 6.25, 12.5, 25, 50])
    split_sizes = np.ceil(0.01 * n * split_proportions)
    extra = np.sum(split_sizes) - n
    split_sizes[len(split_proportions) - 1] -= extra
    return split_sizes.astype(int).tolist()


def lovering_partition_after_shuffle(zipped_list, sizes):
    pos = [z for z in zipped_list if z[1] in {1, "1", "yes"}]
    neg = [z for z in zipped_list if z[1] not in {1, "1", "yes"}]
    interleaved_list = list(itertools.chain(*zip(pos, neg)))
    return [interleaved_list[end - length : end] for end, length in zip(itertools.accumulate(sizes), sizes)]


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=10):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-torch.log(torch.tensor(10000.0)) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1), :].unsqueeze(0)


class ClassificationHead(nn.Module):
    def __init__(self, hidden_size, num_classes, hidden_dropout_prob=0.5):
        super().__init__()
        self.classifier_head = nn.Sequential(
            nn.Dropout(hidden_dropout_prob),
            nn.Linear(hidden_size, hidden_size),
            nn.Tanh(),
            nn.Dropout(hidden_dropout_prob),
            nn.Linear(hidden_size, num_classes),
        )

    def forward(self, features):
        return self.classifier_head(features)


class TransformerToy(nn.Module):
    """transformer_toy.py's TransformerToy without pytorch-lightning; `dropout`/`head_dropout` exposed."""

    def __init__(self, vocab_size, num_classes, num_heads, num_layers, hidden_size, dim_ff, dropout, head_dropout, max_len):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, hidden_size)
        self.positional_encoding = PositionalEncoding(hidden_size, max_len)
        layer = nn.TransformerEncoderLayer(d_model=hidden_size, nhead=num_heads, dim_feedforward=dim_ff, dropout=dropout)
        self.transformer = nn.TransformerEncoder(layer, num_layers=num_layers, enable_nested_tensor=False)
        self.classifier = ClassificationHead(hidden_size, num_classes, head_dropout)

    def forward(self, tokens):
        x = self.positional_encoding(self.embedding(tokens)).permute(1, 0, 2)
        x = self.transformer(x).permute(1, 0, 2)
        return self.classifier(x[:, -1, :])


def state(model):
    return {k: {"shape": list(v.shape), "data": v.detach().reshape(-1).tolist()} for k, v in model.state_dict().items() if k != "positional_encoding.pe"}


def main():
    torch.manual_seed(SEED)
    sizes_n = [1, 2, 5, 10, 37, 100, 999, 1000, 1001, 2000, 3333, 4000, 12345, 20000, 100000]
    block_sizes = {str(n): lovering_split_sizes(n) for n in sizes_n}

    labels = [1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1]  # 9 positives, 4 negatives: the zip drops 5 positives
    items = [(i, y) for i, y in enumerate(labels)]
    sizes = lovering_split_sizes(len(items))
    zipped = [[i for i, _ in block] for block in lovering_partition_after_shuffle(items, sizes)]

    cfg = dict(vocab_size=10, num_classes=2, num_heads=4, num_layers=2, hidden_size=16, dim_ff=32, max_len=10)
    model = TransformerToy(dropout=0.1, head_dropout=0.5, **cfg)
    clones_identical = all(
        torch.equal(a, b) for a, b in zip(model.transformer.layers[0].state_dict().values(), model.transformer.layers[1].state_dict().values())
    )
    # Perturb the LayerNorms and zero-initialised biases so the test exercises every weight.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name or "in_proj_bias" in name or "out_proj.bias" in name:
                p.add_(0.1 * torch.randn_like(p))
    ids = torch.randint(0, 10, (6, 10))
    model.eval()
    weights = state(model)
    with torch.no_grad():
        logits_eval = model(ids)

    # One Adam step with dropout off (PyTorch defaults betas 0.9/0.999, eps 1e-8), mean cross-entropy.
    step_model = TransformerToy(dropout=0.0, head_dropout=0.0, **cfg)
    step_model.load_state_dict(model.state_dict())
    step_model.train()
    labels_step = torch.tensor([0, 1, 1, 0, 1, 0])
    opt = torch.optim.Adam(step_model.parameters(), lr=1e-3)
    loss = nn.functional.cross_entropy(step_model(ids), labels_step)
    opt.zero_grad()
    loss.backward()
    opt.step()
    step_model.eval()
    with torch.no_grad():
        logits_after = step_model(ids)

    out = {
        "script": "test/reference/gen_mdl_fixtures.py",
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": np.__version__},
        "seed": SEED,
        "lovering_block_sizes": block_sizes,
        "lovering_zip": {"labels": labels, "sizes": sizes, "blocks": zipped},
        "torch_layer_clones_identical": clones_identical,
        "probe_encoder": {
            "config": {**cfg, "dropout": 0.1, "head_dropout": 0.5, "layer_norm_eps": 1e-5},
            "weights": weights,
            "ids": ids.tolist(),
            "logits_eval": logits_eval.tolist(),
            "adam_step": {"lr": 1e-3, "labels": labels_step.tolist(), "loss_nats": loss.item(), "logits_after": logits_after.tolist()},
        },
    }
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", os.path.relpath(OUT), "clones identical:", clones_identical, "loss", loss.item())


if __name__ == "__main__":
    main()
