"""The PyTorch GPT of the paired bench's GPT lines (imported by bench_torch_server.py, which runs
and times the work): HF GPT2LMHeadModel built from the TypeScript GPTConfig fields, dropout off.
"""

import torch
from transformers import GPT2Config, GPT2LMHeadModel


def build(cfg):
    hf = GPT2Config(
        vocab_size=cfg["vocabSize"], n_positions=cfg["nPositions"], n_embd=cfg["dModel"], n_layer=cfg["nLayer"],
        n_head=cfg["nHead"], resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
        layer_norm_epsilon=cfg["layerNormEps"], tie_word_embeddings=cfg["tiedEmbeddings"],
        bos_token_id=0, eos_token_id=0, pad_token_id=0,
    )
    return GPT2LMHeadModel(hf)
