"""Persistent PyTorch CPU side of the paired bench (`npm run bench`, src/bench/paired.ts).

Started once per bench run; reads one JSON request per line on stdin and answers one JSON line on
stdout, so that Python and torch start-up are never timed and tfjs and PyTorch rounds can alternate:
  {"op": "hello", "threads": n}            -> {"torch", "transformers", "threads", "interop"}
  {"op": "setup", "id", "kind", "params"}  -> {"ok": true}   (builds a workload, runs nothing)
  {"op": "run", "id", "calls"}             -> {"ms": [per-call milliseconds]}
  {"op": "drop", "id"}                     -> {"ok": true}
  {"op": "quit"}
An error answers {"error": "..."} and the server goes on.

Workloads (`kind`) reuse the models of the one-shot reference scripts beside this file, with the
same work per call as the TypeScript line of the same name:
- gpt_train:  HF GPT2LMHeadModel forward, cross-entropy against the inputs, backward, Adam (bench_gpt_torch.py);
- gpt_sample: HF generate, KV cache, exactly newTokens sampled tokens;
- ppo_rollout / ppo_update: one rl4lms PPO iteration, separate value network (bench_ppo_torch.py);
- probe_train: one step of Cruz et al.'s toy encoder probe, Adam 1e-4 (bench_mdl_torch.py);
- lm_ppo_step: one TRL 0.7 PPO step on a shared-trunk policy with a value head (below);
- sft_step: one AdamW step of a GPT-2 classifier on the last token (HF GPT2ForSequenceClassification);
- op_floor: `reps` calls of one add or matmul at a laptop PPO shape under no_grad (the per-op floor).
"""
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import GPT2LMHeadModel, GPT2Model  # noqa: E402
from transformers.utils import logging as hf_logging  # noqa: E402

from bench_gpt_torch import build as build_lm  # noqa: E402
from bench_mdl_torch import ToyProbe  # noqa: E402
from bench_ppo_torch import ValueNetwork, gae, hf_config, response_logprobs, toy_reward  # noqa: E402


def gpt_train(p):
    model = build_lm(p["config"]).train()
    vocab = p["config"]["vocabSize"]
    ids = torch.randint(0, vocab, (p["batch"], p["seq"]))
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)

    def call():
        logits = model(input_ids=ids).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), ids.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss.item()

    return call


def gpt_sample(p):
    model = build_lm(p["config"]).eval()
    prompts = torch.randint(0, p["config"]["vocabSize"], (p["batch"], p["prompt"]))
    mask = torch.ones_like(prompts)

    def call():
        with torch.no_grad():
            model.generate(
                input_ids=prompts, attention_mask=mask, do_sample=True, top_k=0, top_p=1.0, temperature=1.0,
                max_new_tokens=p["newTokens"], min_new_tokens=p["newTokens"], use_cache=True, pad_token_id=0,
            )

    return call


def ppo_parts(p):
    cfg = p["config"]
    n, p_len, r_len = p["episodes"], p["promptTokens"], p["responseTokens"]
    policy = GPT2LMHeadModel(hf_config(cfg)).eval()
    critic = ValueNetwork(cfg).eval()
    params = list(policy.parameters()) + list(critic.parameters())
    ppo = p["ppo"]
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

    def update(ids, old_logprobs, old_values, scores):
        rewards = torch.zeros(n, r_len)
        rewards[:, -1] = scores  # KL coefficient 0: the score on the last token only
        advantages, returns = gae(old_values, rewards, ppo["gamma"], ppo["lam"])
        for _ in range(p["epochs"]):
            order = torch.randperm(n)
            for start in range(0, n, p["minibatch"]):
                idx = order[start:start + p["minibatch"]]
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

    return rollout, update


def ppo_rollout(p):
    rollout, _ = ppo_parts(p)
    return lambda: rollout()


def ppo_update(p):
    rollout, update = ppo_parts(p)
    fixed = rollout()
    return lambda: update(*fixed)


def probe_train(p):
    cfg = p["config"]
    model = ToyProbe(cfg).train()
    opt = torch.optim.Adam(model.parameters(), lr=p["learningRate"])
    ids = torch.randint(0, cfg["vocabSize"], (p["batch"], cfg["maxLen"]))
    labels = torch.randint(0, 2, (p["batch"],))

    def call():  # `steps` optimizer steps, one host read at the end (the TypeScript trainer reads once per epoch)
        total = 0.0
        for _ in range(p["steps"]):
            loss = torch.nn.functional.cross_entropy(model(ids), labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total = total + loss.detach()
        float(total)

    return call


class PolicyWithValueHead(torch.nn.Module):
    """TRL's AutoModelForCausalLMWithValueHead: the LM and Linear(d_model, 1) on its last hidden states (dropout 0.1)."""

    def __init__(self, cfg, dropout):
        super().__init__()
        self.lm = GPT2LMHeadModel(hf_config(cfg))
        self.v_head = torch.nn.Sequential(torch.nn.Dropout(dropout), torch.nn.Linear(cfg["dModel"], 1))

    def forward(self, ids):
        out = self.lm(input_ids=ids, output_hidden_states=True)
        return out.logits, self.v_head(out.hidden_states[-1]).squeeze(-1)


def masked_mean(x, mask):
    return (x * mask).sum() / mask.sum()


def masked_var(x, mask):
    mean = masked_mean(x, mask)
    var = masked_mean((x - mean) ** 2, mask)
    return var * mask.sum() / (mask.sum() - 1)


def whiten(x, mask):
    mean, var = masked_mean(x, mask), masked_var(x, mask)
    return (x - mean) * torch.rsqrt(var + 1e-8)  # TRL whiten(shift_mean=True)


def lm_ppo_step(p):
    """TRL 0.7.11 PPOTrainer.step on a fixed batch: policy, value and reference forwards, KL-penalised
    rewards, GAE, batch-whitened advantages, then epochs x shuffled minibatches with the clipped losses
    and Adam (no gradient clipping, TRL's default). Dropout is off (the TypeScript trainer's choice)."""
    cfg, ppo = p["config"], p["ppo"]
    n, p_len, r_len = p["batch"], p["promptTokens"], p["responseTokens"]
    model = PolicyWithValueHead(cfg, 0.0).eval()
    ref = GPT2LMHeadModel(hf_config(cfg)).eval()
    opt = torch.optim.Adam(model.parameters(), lr=ppo["learningRate"], eps=ppo["adamEps"])
    ids = torch.randint(0, cfg["vocabSize"], (n, p_len + r_len))
    scores = torch.randn(n)
    mask = torch.ones(n, r_len)
    resp = ids[:, p_len:]

    def logprobs_values(batch_ids, batch_resp):
        logits, values = model(batch_ids)
        logits = logits[:, p_len - 1:-1]
        logp = torch.log_softmax(logits, -1).gather(-1, batch_resp.unsqueeze(-1)).squeeze(-1)
        return logits, logp, values[:, p_len - 1:-1]

    def call():
        with torch.no_grad():
            _, old_logp, old_values = logprobs_values(ids, resp)
            ref_logits = ref(input_ids=ids).logits[:, p_len - 1:-1]
            ref_logp = torch.log_softmax(ref_logits, -1).gather(-1, resp.unsqueeze(-1)).squeeze(-1)
            rewards = -ppo["initKlCoef"] * (old_logp - ref_logp)
            rewards[:, -1] += scores
            adv, returns = gae(old_values, rewards, ppo["gamma"], ppo["lam"])
            adv = whiten(adv, mask)
        for _ in range(p["epochs"]):
            order = torch.randperm(n)
            for start in range(0, n, p["minibatch"]):
                idx = order[start:start + p["minibatch"]]
                mb_mask = mask[idx]
                logits, logp, vpred = logprobs_values(ids[idx], resp[idx])
                vclipped = torch.clamp(vpred, old_values[idx] - ppo["cliprangeValue"], old_values[idx] + ppo["cliprangeValue"])
                vf = 0.5 * masked_mean(torch.max((vpred - returns[idx]) ** 2, (vclipped - returns[idx]) ** 2), mb_mask)
                ratio = torch.exp(logp - old_logp[idx])
                a = adv[idx]
                pg = masked_mean(torch.max(-a * ratio, -a * torch.clamp(ratio, 1 - ppo["cliprange"], 1 + ppo["cliprange"])), mb_mask)
                loss = pg + ppo["vfCoef"] * vf
                probs = torch.softmax(logits, -1)
                entropy = masked_mean(torch.logsumexp(logits, -1) - (probs * logits).sum(-1), mb_mask)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                torch.stack([loss.detach(), entropy.detach()]).tolist()  # one host read per minibatch

    return call


def sft_step(p):
    cfg = p["config"]
    trunk = GPT2Model(hf_config({**cfg})).train()
    for m in trunk.modules():
        if isinstance(m, torch.nn.Dropout):
            m.p = cfg["dropout"]
    head = torch.nn.Linear(cfg["dModel"], 2, bias=False)
    params = list(trunk.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=p["learningRate"], weight_decay=p["weightDecay"])
    ids = torch.randint(0, cfg["vocabSize"], (p["batch"], p["seq"]))
    labels = torch.randint(0, 2, (p["batch"],))

    def call():  # `steps` optimizer steps, one host read at the end
        total = 0.0
        for _ in range(p["steps"]):
            hidden = trunk(input_ids=ids).last_hidden_state[:, -1]
            loss = torch.nn.functional.cross_entropy(head(hidden), labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total = total + loss.detach()
        float(total)

    return call


def op_floor(p):
    a = torch.randn(*p["a"])
    b = torch.randn(*p["b"])
    if p["op"] == "add":
        def once():
            return a + b
    else:
        x = a.transpose(-1, -2) if p.get("transposeA") else a
        y = b.transpose(-1, -2) if p.get("transposeB") else b

        def once():
            return torch.matmul(x, y)

    def call():  # `reps` ops, one host read of the last result
        with torch.no_grad():
            for _ in range(p["reps"] - 1):
                once()
            float(once().reshape(-1)[0])

    return call


KINDS = {f.__name__: f for f in (gpt_train, gpt_sample, ppo_rollout, ppo_update, probe_train, lm_ppo_step, sft_step, op_floor)}


def main():
    hf_logging.set_verbosity_error()
    torch.manual_seed(0)
    work = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        op = req.get("op")
        try:
            if op == "quit":
                break
            if op == "hello":
                threads = int(req.get("threads") or 0)
                if threads > 0:
                    torch.set_num_threads(threads)
                    try:
                        torch.set_num_interop_threads(threads)
                    except RuntimeError:
                        pass  # only settable before the first parallel op
                ans = {"torch": torch.__version__, "transformers": transformers.__version__,
                       "threads": torch.get_num_threads(), "interop": torch.get_num_interop_threads()}
            elif op == "setup":
                work[req["id"]] = KINDS[req["kind"]](req["params"])
                ans = {"ok": True}
            elif op == "run":
                fn = work[req["id"]]
                ms = []
                for _ in range(int(req["calls"])):
                    t0 = time.perf_counter()
                    fn()
                    ms.append((time.perf_counter() - t0) * 1e3)
                ans = {"ms": ms}
            elif op == "drop":
                work.pop(req["id"], None)
                ans = {"ok": True}
            else:
                ans = {"error": f"op: '{op}' unknown; expected hello, setup, run, drop or quit"}
        except Exception as e:  # answered, so the bench can report it and go on
            ans = {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
        sys.stdout.write(json.dumps(ans) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
