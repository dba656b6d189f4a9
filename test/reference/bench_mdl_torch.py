"""The PyTorch toy probe of the paired bench's MDL line (imported by bench_torch_server.py, which
runs and times the work).

The model is Cruz et al.'s toy probe as models/transformer_toy.py builds it (EdoardoPona/
predicting-inductive-biases-RL, commit 7606200): embedding + sinusoidal positions, post-LN
nn.TransformerEncoder (ReLU, dropout 0.1), last-position ClassificationHead (dropout 0.5, dense,
tanh, dropout, out).
"""
import math

import torch
from torch import nn


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
