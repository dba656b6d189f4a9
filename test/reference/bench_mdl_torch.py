"""PyTorch CPU counterpart of the MDL lines of `npm run bench` (src/bench/mdl_bench.ts).

Reads a JSON job from argv[1] (written by src/bench/mdl_bench.ts):
  {"repeats": int, "threads": int | null,
   "cases": [{"name", "config": ProbeEncoderConfig fields (vocabSize, maxLen, dModel, nHead, nLayer, dFF),
              "train": {"batch"}, "eval": {"batch"},
              "online": {"n", "epochs", "batch"} | null}]}
and prints one JSON object per line:
  {"case", "line": "train_step" | "eval" | "online_code", "examplesPerSec", "msPerCall"}
after a first line {"torch": version, "threads": n}.

The model is Cruz et al.'s toy probe as models/transformer_toy.py builds it (EdoardoPona/
predicting-inductive-biases-RL, commit 7606200): embedding + sinusoidal positions, post-LN
nn.TransformerEncoder (ReLU, dropout 0.1), last-position ClassificationHead (dropout 0.5, dense,
tanh, dropout, out); Adam 1e-4. The work mirrors the TypeScript bench: a training step = forward,
cross-entropy, backward, Adam step on a [batch, seq] batch in train mode; eval = a no-grad forward
in eval mode; online_code = the 11-block online code (Voita & Titov cuts), a fresh probe per block,
`epochs` epochs over all earlier blocks, then -log2 p summed over the block.
"""
import json
import math
import sys
import time

import torch
from torch import nn

ENDS_PER_10000 = [10, 20, 40, 80, 160, 320, 625, 1250, 2500, 5000, 10000]


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):  # [batch, seq, d_model]
        return x + self.pe[: x.size(1)]


class ToyProbe(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["dModel"]
        self.embedding = nn.Embedding(cfg["vocabSize"], d)
        self.pos = PositionalEncoding(d, cfg["maxLen"])
        layer = nn.TransformerEncoderLayer(d, cfg["nHead"], dim_feedforward=cfg["dFF"], dropout=0.1, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, cfg["nLayer"], enable_nested_tensor=False)
        self.head = nn.Sequential(nn.Dropout(0.5), nn.Linear(d, d), nn.Tanh(), nn.Dropout(0.5), nn.Linear(d, 2))

    def forward(self, ids):  # [batch, seq] -> [batch, classes]
        hidden = self.transformer(self.pos(self.embedding(ids)))
        return self.head(hidden[:, -1])


def timed(fn, repeats):
    fn()  # warm-up
    t0 = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - t0) / repeats


def online_code(cfg, n, epochs, batch, seq):
    ids = torch.randint(0, cfg["vocabSize"], (n, seq))
    labels = torch.randint(0, 2, (n,))
    ends = [n * k // 10000 for k in ENDS_PER_10000]
    bits, start, first = 0.0, 0, True
    for end in ends:
        if end == start:
            continue
        if first:
            bits += end - start
            first = False
        else:
            model = ToyProbe(cfg)
            opt = torch.optim.Adam(model.parameters(), lr=1e-4)
            model.train()
            for _ in range(epochs):
                order = torch.randperm(start)
                for b in range(0, start, batch):
                    rows = order[b : b + batch]
                    loss = nn.functional.cross_entropy(model(ids[rows]), labels[rows])
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    opt.step()
            model.eval()
            with torch.no_grad():
                logp = torch.log_softmax(model(ids[start:end]), -1)
                bits += float(-logp[torch.arange(end - start), labels[start:end]].sum() / math.log(2))
        start = end
    return bits


def main():
    job = json.loads(sys.argv[1])
    if job.get("threads"):
        torch.set_num_threads(job["threads"])
    torch.manual_seed(0)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for case in job["cases"]:
        cfg = case["config"]
        seq = cfg["maxLen"]
        repeats = case.get("repeats", job["repeats"])
        model = ToyProbe(cfg)
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)

        tb = case["train"]["batch"]
        ids = torch.randint(0, cfg["vocabSize"], (tb, seq))
        labels = torch.randint(0, 2, (tb,))
        model.train()

        def train_step():
            loss = nn.functional.cross_entropy(model(ids), labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        sec = timed(train_step, repeats)
        print(json.dumps({"case": case["name"], "line": "train_step", "examplesPerSec": tb / sec, "msPerCall": sec * 1e3}), flush=True)

        eb = case["eval"]["batch"]
        eval_ids = torch.randint(0, cfg["vocabSize"], (eb, seq))
        model.eval()

        def evaluate():
            with torch.no_grad():
                model(eval_ids)

        sec = timed(evaluate, repeats)
        print(json.dumps({"case": case["name"], "line": "eval", "examplesPerSec": eb / sec, "msPerCall": sec * 1e3}), flush=True)

        online = case.get("online")
        if online:
            t0 = time.perf_counter()
            online_code(cfg, online["n"], online["epochs"], online["batch"], seq)
            sec = time.perf_counter() - t0
            print(json.dumps({"case": case["name"], "line": "online_code", "examplesPerSec": online["n"] / sec, "msPerCall": sec * 1e3}), flush=True)


if __name__ == "__main__":
    main()
