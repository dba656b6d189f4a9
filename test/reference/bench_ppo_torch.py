"""PyTorch CPU counterpart of the PPO lines of `npm run bench` (src/bench/ppo_bench.ts).

Reads a JSON job from argv[1] (built by `ppoBench.torchJob`):
  {"cases": [{"name", "config": GPTConfig fields, "episodes", "minibatch", "epochs", "repeats", "warmup",
              "promptTokens", "responseTokens"}],
   "lines": {"rollout": label, "update": label},
   "ppo": {"learningRate", "weightDecay", "adamEps", "gamma", "lam", "cliprange", "vfCoef", "maxGradNorm"}}
and prints {"torch", "transformers", "threads"} then one JSON object per line:
  {"case", "line", "tokensPerSec" (response tokens, from the best call), "bestMs", "medianMs"}.

The work mirrors one PPO iteration of the rl4lms configuration as src/rl does it:
- rollout: HF `generate` (do_sample, top_k 0, exactly responseTokens tokens, KV cache), then one
  full forward of the policy for the sampled tokens' log-probs and one of the separate value network
  (GPT2Model + Linear(d, 1, bias=False)) for the values; the toy reward on the host;
- update: per-token rewards (score on the last token, KL coefficient 0), GAE (gamma, lambda),
  `epochs` passes over shuffled minibatches of whole episodes: policy and value forwards, advantages
  normalised per minibatch (Bessel std), clipped policy loss, MSE value loss * vfCoef, backward,
  clip_grad_norm_(maxGradNorm) over both networks, AdamW(lr, eps, weight decay), one .item() per minibatch.
Timing matches the TypeScript side: `warmup` calls, then `repeats` timed calls.
"""
import json
import sys
import time

import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel, GPT2Model
from transformers.utils import logging as hf_logging


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


def timed(fn, warmup, repeats):
    for _ in range(warmup):
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
    ppo = job["ppo"]
    lines = job["lines"]
    torch.manual_seed(0)
    print(json.dumps({"torch": torch.__version__, "transformers": transformers.__version__, "threads": torch.get_num_threads()}), flush=True)
    for case in job["cases"]:
        cfg = case["config"]
        n, p_len, r_len = case["episodes"], case["promptTokens"], case["responseTokens"]
        policy = GPT2LMHeadModel(hf_config(cfg)).eval()  # dropout is 0 anyway; eval as during PPO
        critic = ValueNetwork(cfg).eval()
        params = list(policy.parameters()) + list(critic.parameters())
        opt = torch.optim.AdamW(params, lr=ppo["learningRate"], eps=ppo["adamEps"], weight_decay=ppo["weightDecay"])
        prompts = torch.randint(0, 10, (n, p_len))
        labels = [i % 2 for i in range(n)]

        def rollout():
            with torch.no_grad():
                out = policy.generate(
                    input_ids=prompts, attention_mask=torch.ones_like(prompts), do_sample=True, top_k=0, top_p=1.0, temperature=1.0,
                    max_new_tokens=r_len, min_new_tokens=r_len, use_cache=True, pad_token_id=0,
                )
                logprobs, _ = response_logprobs(policy, out, p_len)
                values = critic(out, p_len)
            resp = out[:, p_len:].tolist()
            scores = torch.tensor([toy_reward(r, l) for r, l in zip(resp, labels)])
            return out, logprobs, values, scores

        emit(case["name"], lines["rollout"], n * r_len, *timed(rollout, case["warmup"], case["repeats"]))
        ids, old_logprobs, old_values, scores = rollout()

        def update():
            rewards = torch.zeros(n, r_len)
            rewards[:, -1] = scores  # KL coefficient 0: the score on the last token only
            advantages, returns = gae(old_values, rewards, ppo["gamma"], ppo["lam"])
            for _ in range(case["epochs"]):
                order = torch.randperm(n)
                for start in range(0, n, case["minibatch"]):
                    idx = order[start:start + case["minibatch"]]
                    logprobs, _ = response_logprobs(policy, ids[idx], p_len)
                    vpred = critic(ids[idx], p_len)
                    adv = advantages[idx]
                    adv = (adv - adv.mean()) / (adv.std() + 1e-8)
                    ratio = torch.exp(logprobs - old_logprobs[idx])
                    pg = torch.max(-adv * ratio, -adv * torch.clamp(ratio, 1 - ppo["cliprange"], 1 + ppo["cliprange"])).mean()
                    vf = ((vpred - returns[idx]) ** 2).mean()
                    loss = pg + ppo["vfCoef"] * vf
                    opt.zero_grad(set_to_none=True)
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(params, ppo["maxGradNorm"])
                    opt.step()
                    loss.item()  # one host read per minibatch, as the TypeScript trainer

        emit(case["name"], lines["update"], n * r_len * case["epochs"], *timed(update, case["warmup"], case["repeats"]))


if __name__ == "__main__":
    main()
