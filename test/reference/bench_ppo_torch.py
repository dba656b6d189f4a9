"""The PyTorch pieces of the paired bench's PPO lines (imported by bench_torch_server.py, which
builds the rl4lms iteration from them and times it): the HF config of the TypeScript GPTConfig,
the separate value network (GPT2Model + Linear(d, 1, bias=False)), the toy reward, response
log-probs and GAE as src/rl computes them.
"""

import torch
from transformers import GPT2Config, GPT2Model


def hf_config(cfg):
    return GPT2Config(
        vocab_size=cfg["vocabSize"], n_positions=cfg["nPositions"], n_embd=cfg["dModel"], n_layer=cfg["nLayer"],
        n_head=cfg["nHead"], resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
        layer_norm_epsilon=cfg["layerNormEps"], tie_word_embeddings=cfg["tiedEmbeddings"],
        bos_token_id=0, eos_token_id=0, pad_token_id=0,
    )


class ValueNetwork(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.trunk = GPT2Model(hf_config(cfg))
        self.head = torch.nn.Linear(cfg["dModel"], 1, bias=False)

    def forward(self, ids, prompt_len):
        hidden = self.trunk(input_ids=ids).last_hidden_state  # [b, seq, d]
        return self.head(hidden[:, prompt_len - 1:-1]).squeeze(-1)  # [b, resp]


def toy_reward(tokens, label):
    digits = [t for t in tokens if 0 <= t <= 9]
    if not digits:
        return 0.0
    count = 0
    for a, b in zip(digits, digits[1:]):
        if (b > a) if label == 1 else (b < a):
            count += 1
        else:
            break
    return count / 4


def response_logprobs(policy, ids, prompt_len):
    logits = policy(input_ids=ids).logits[:, prompt_len - 1:-1]  # [b, resp, vocab]
    return torch.log_softmax(logits, -1).gather(-1, ids[:, prompt_len:].unsqueeze(-1)).squeeze(-1), logits


def gae(values, rewards, gamma, lam):
    resp = rewards.shape[1]
    last = torch.zeros(rewards.shape[0])
    adv = []
    for t in reversed(range(resp)):
        next_v = values[:, t + 1] if t < resp - 1 else torch.zeros_like(last)
        delta = rewards[:, t] + gamma * next_v - values[:, t]
        last = delta + gamma * lam * last
        adv.append(last)
    adv = torch.stack(adv[::-1], 1)
    return adv, adv + values
