"""Generates the PPO reference fixtures in test/fixtures/rl/ by calling TRL 0.7.11's own code.

TRL 0.7.11 is not installable here (the package index only has trl 1.x, whose legacy PPOTrainer
and core helpers are gone), so this script loads the v0.7.11 source files directly:

* ``trl/core.py`` is imported as the module ``trl.core`` from a stub package whose ``__path__``
  points at the v0.7.11 source folder (``trl/__init__.py`` is not run). ``core.py`` imports
  ``transformers.top_k_top_p_filtering``, which transformers 5 no longer has; it is only used by
  ``respond_to_batch`` (not called here), so a placeholder is put in its place.
* ``PPOTrainer._kl_penalty / compute_rewards / compute_advantages / loss / record_step_stats`` are
  taken from ``trl/trainer/ppo_trainer.py`` with ``ast`` (the function bodies are the file's own,
  byte for byte), compiled with ``trl.core`` as globals, and called unbound on a stub ``self``
  that provides ``.config`` (and ``.kl_ctl.value``, ``._kl_penalty``).
* ``AdaptiveKLController`` and ``FixedKLController`` are taken from ``trl/trainer/utils.py`` the
  same way.

The RL4LMs fixtures (``rl4lms_gae``, ``rl4lms_loss``) cannot call library code (stable-baselines3
1.5 and RL4LMs are not installable here); they are short transcriptions of SB3 v1.5.0
``RolloutBuffer.compute_returns_and_advantage`` and of RL4LMs ``PPO.train``'s loss lines, marked
as such in each fixture's ``source``.

Get the TRL source with (any clone of github.com/huggingface/trl):
    git -C <trl clone> archive v0.7.11 trl | tar -x -C /tmp/trl0711src
Run:
    /tmp/refvenv/bin/python test/reference/gen_trl_fixtures.py --trl-src /tmp/trl0711src/trl
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib
import json
import os
import sys
import types
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20231107
OUT_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "rl"
SCRIPT = "test/reference/gen_trl_fixtures.py"


# ----------------------------------------------------------------------------- loading TRL 0.7.11


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_trl(trl_src: Path):
    """Returns (core module, trainer-method namespace, kl-controller namespace, file hashes)."""
    import transformers

    if not hasattr(transformers, "top_k_top_p_filtering"):
        # Only respond_to_batch uses it; it is never called here.
        def _unused(*args, **kwargs):
            raise RuntimeError("top_k_top_p_filtering placeholder: not part of the fixtures")

        transformers.top_k_top_p_filtering = _unused

    pkg = types.ModuleType("trl")
    pkg.__path__ = [str(trl_src)]
    sys.modules["trl"] = pkg
    core = importlib.import_module("trl.core")

    def extract(path: Path, names: set[str], kind) -> dict:
        tree = ast.parse(path.read_text())
        found = {}
        for node in ast.walk(tree):
            if isinstance(node, kind) and node.name in names and node.name not in found:
                if getattr(node, "decorator_list", None):
                    raise RuntimeError(f"{node.name} has decorators; the stub call would differ")
                found[node.name] = node
        missing = names - set(found)
        if missing:
            raise RuntimeError(f"not found in {path}: {missing}")
        return found

    trainer_py = trl_src / "trainer" / "ppo_trainer.py"
    utils_py = trl_src / "trainer" / "utils.py"
    method_names = {"_kl_penalty", "compute_rewards", "compute_advantages", "loss", "record_step_stats"}
    nodes = extract(trainer_py, method_names, ast.FunctionDef)
    ns = dict(vars(core))  # masked_mean, masked_var, masked_whiten, clip_by_value, ... as in ppo_trainer's imports
    ns.update(torch=torch, F=F, np=np, warnings=__import__("warnings"), typing=__import__("typing"))
    module = ast.Module(body=list(nodes.values()), type_ignores=[])
    exec(compile(module, str(trainer_py), "exec"), ns)
    methods = {name: ns[name] for name in method_names}

    kl_nodes = extract(utils_py, {"AdaptiveKLController", "FixedKLController"}, ast.ClassDef)
    kl_ns = {"np": np}
    exec(compile(ast.Module(body=list(kl_nodes.values()), type_ignores=[]), str(utils_py), "exec"), kl_ns)

    hashes = {
        "trl/core.py": sha256(trl_src / "core.py"),
        "trl/trainer/ppo_trainer.py": sha256(trainer_py),
        "trl/trainer/utils.py": sha256(utils_py),
    }
    return core, methods, kl_ns, hashes


class Stub:
    """Minimal `self` for the unbound PPOTrainer methods."""

    def __init__(self, methods, **config):
        self.config = types.SimpleNamespace(**config)
        self.kl_ctl = types.SimpleNamespace(value=config.get("kl_coef", 0.2))
        self._kl_penalty = lambda lp, rlp: methods["_kl_penalty"](self, lp, rlp)


# ----------------------------------------------------------------------------- helpers


def f32(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float32)


def js(x):
    """float32 tensors / arrays -> nested lists of Python floats (exact float32 values)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if isinstance(x, np.ndarray):
        if x.dtype == np.bool_:
            return x.astype(np.float32).tolist()
        return x.tolist()
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    return x


def t(x, dtype=torch.float32):
    return torch.tensor(np.asarray(x), dtype=dtype)


def write(name: str, payload: dict, source: str, hashes: dict | None) -> None:
    payload = {
        "script": SCRIPT,
        "seed": SEED,
        "source": source,
        "versions": {
            "python": sys.version.split()[0],
            "torch": torch.__version__,
            "numpy": np.__version__,
            "trl": "0.7.11 (source files, see source)" if hashes else None,
        },
        "trl_file_sha256": hashes,
        **payload,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, indent=1) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


def masks_for(batch: int, seq: int, rng: np.random.Generator) -> np.ndarray:
    """TRL-style masks over [batch, seq-1] logprob positions: zeros on prompt positions (left),
    ones on the response, zeros on right padding; row 2 also has a hole (a response_masks zero)."""
    m = np.zeros((batch, seq), dtype=np.float32)
    for b in range(batch):
        start = int(rng.integers(0, 3))
        end = int(rng.integers(start + 2, seq + 1))
        m[b, start:end] = 1
    if batch > 2:
        m[2, :] = 0
        m[2, 1:seq] = 1
        m[2, 3] = 0
    return m


# ----------------------------------------------------------------------------- fixtures


def gen_core(core, hashes, rng):
    values = f32(rng.normal(size=(4, 7)) * 1.7 + 0.4)
    mask = masks_for(4, 7, rng)
    v, m = t(values), t(mask)
    x = f32(rng.normal(size=(4, 7)) * 2)
    lo = f32(rng.normal(size=(4, 7)) - 0.5)
    hi = lo + f32(rng.uniform(0.1, 1.5, size=(4, 7)))
    logits = f32(rng.normal(size=(3, 5, 11)) * 2.0)
    labels = rng.integers(0, 11, size=(3, 5))
    out = {
        "inputs": {"values": js(values), "mask": js(mask), "x": js(x), "lo": js(lo), "hi": js(hi),
                   "logits": js(logits), "labels": labels.tolist()},
        "masked_mean": js(core.masked_mean(v, m)),
        "masked_mean_axis1": js(core.masked_mean(v, m, axis=1)),
        "masked_var_unbiased": js(core.masked_var(v, m)),
        "masked_var_biased": js(core.masked_var(v, m, unbiased=False)),
        "masked_whiten_shift": js(core.masked_whiten(v, m)),
        "masked_whiten_noshift": js(core.masked_whiten(v, m, shift_mean=False)),
        "whiten_shift": js(core.whiten(v)),
        "whiten_noshift": js(core.whiten(v, shift_mean=False)),
        "clip_by_value": js(core.clip_by_value(t(x), t(lo), t(hi))),
        "logprobs_from_logits": js(core.logprobs_from_logits(t(logits), t(labels, torch.long))),
        "logprobs_full": js(core.logprobs_from_logits(t(logits), None, gather=False)),
        "entropy_from_logits": js(core.entropy_from_logits(t(logits))),
    }
    write("trl_core", out,
          "trl.core (v0.7.11 core.py) called directly: masked_mean, masked_var, masked_whiten, whiten, "
          "clip_by_value, logprobs_from_logits (gather and gather=False), entropy_from_logits; float32 torch",
          hashes)


def gen_kl(methods, kl_ns, hashes, rng):
    batch, resp, vocab = 3, 6, 9
    logits = f32(rng.normal(size=(batch, resp, vocab)) * 1.5)
    ref_logits = logits + f32(rng.normal(size=(batch, resp, vocab)) * 0.6)
    labels = rng.integers(0, vocab, size=(batch, resp))
    full = F.log_softmax(t(logits), dim=-1)
    ref_full = F.log_softmax(t(ref_logits), dim=-1)
    lp = torch.gather(full, 2, t(labels, torch.long).unsqueeze(2)).squeeze(-1)
    rlp = torch.gather(ref_full, 2, t(labels, torch.long).unsqueeze(2)).squeeze(-1)
    penalties = {}
    for kind in ["kl", "abs", "mse", "full"]:
        stub = Stub(methods, kl_penalty=kind)
        a, b = (full, ref_full) if kind == "full" else (lp, rlp)
        penalties[kind] = js(methods["_kl_penalty"](stub, a, b))

    # Adaptive controller: TRL defaults (init 0.2, target 6, horizon 10000), n_steps = batch 256.
    ctl = kl_ns["AdaptiveKLController"](0.2, 6, 10000)
    currents = [0.5, 3.0, 6.0, 7.2, 12.0, 40.0, -2.0, 6.6, 5.9, 0.0]
    n_steps = 256
    adaptive = []
    for c in currents:
        ctl.update(c, n_steps)
        adaptive.append(float(ctl.value))
    ctl2 = kl_ns["AdaptiveKLController"](0.05, 1.0, 100)
    currents2 = [1.5, 1.1, 0.9, 0.2, 3.0]
    adaptive2 = []
    for c in currents2:
        ctl2.update(c, 8)
        adaptive2.append(float(ctl2.value))
    fixed = kl_ns["FixedKLController"](0.3)
    fixed.update(100.0, 256)
    out = {
        "inputs": {"logprobs": js(lp), "ref_logprobs": js(rlp), "logprobs_full": js(full),
                   "ref_logprobs_full": js(ref_full)},
        "kl_penalty": penalties,
        "adaptive": {"init_kl_coef": 0.2, "target": 6, "horizon": 10000, "n_steps": n_steps,
                     "currents": currents, "values_after_update": adaptive},
        "adaptive_small_horizon": {"init_kl_coef": 0.05, "target": 1.0, "horizon": 100, "n_steps": 8,
                                   "currents": currents2, "values_after_update": adaptive2},
        "fixed": {"kl_coef": 0.3, "value_after_update": float(fixed.value)},
    }
    write("trl_kl", out,
          "PPOTrainer._kl_penalty (v0.7.11 ppo_trainer.py, called unbound on a stub with .config.kl_penalty) "
          "for kl/abs/mse/full; AdaptiveKLController / FixedKLController class bodies from v0.7.11 "
          "trainer/utils.py, driven with Python float KL values (float64 arithmetic)",
          hashes)


def gen_rewards_gae(methods, hashes, rng):
    batch, seq, vocab = 4, 9, 7
    mask = masks_for(batch, seq, rng)
    logits = f32(rng.normal(size=(batch, seq, vocab)))
    ref_logits = logits + f32(rng.normal(size=(batch, seq, vocab)) * 0.5)
    labels = rng.integers(0, vocab, size=(batch, seq))
    full = F.log_softmax(t(logits), dim=-1)
    ref_full = F.log_softmax(t(ref_logits), dim=-1)
    lp = torch.gather(full, 2, t(labels, torch.long).unsqueeze(2)).squeeze(-1)
    rlp = torch.gather(ref_full, 2, t(labels, torch.long).unsqueeze(2)).squeeze(-1)
    scores = f32(rng.normal(size=(batch,)) * 2)
    beta = 0.2
    rewards_out = {}
    for kind in ["kl", "abs", "mse", "full"]:
        stub = Stub(methods, kl_penalty=kind, kl_coef=beta)
        a, b = (full, ref_full) if kind == "full" else (lp, rlp)
        r, nsr, kls = methods["compute_rewards"](stub, t(scores), a, b, t(mask))
        rewards_out[kind] = {"rewards": js(r), "non_score_reward": js(nsr), "kls": js(kls)}
    write("trl_rewards", {
        "inputs": {"scores": js(scores), "logprobs": js(lp), "ref_logprobs": js(rlp),
                   "logprobs_full": js(full), "ref_logprobs_full": js(ref_full), "mask": js(mask),
                   "kl_coef": beta},
        "outputs": rewards_out,
    }, "PPOTrainer.compute_rewards (v0.7.11, unbound on a stub: .config.kl_penalty, .kl_ctl.value, "
       "._kl_penalty bound to the v0.7.11 _kl_penalty) for each kl_penalty", hashes)

    values = f32(rng.normal(size=(batch, seq)))
    rewards = f32(rng.normal(size=(batch, seq)) * 0.3)
    rewards[np.arange(batch), (mask * np.arange(1, seq + 1)).argmax(1)] += f32(rng.normal(size=batch) * 2)
    cases = []
    for gamma, lam, whiten_rewards in [(1.0, 0.95, False), (0.99, 0.95, False), (1.0, 0.95, True), (0.9, 0.5, False)]:
        stub = Stub(methods, gamma=gamma, lam=lam, whiten_rewards=whiten_rewards)
        v_out, adv, ret = methods["compute_advantages"](stub, t(values), t(rewards), t(mask))
        cases.append({"gamma": gamma, "lam": lam, "whiten_rewards": whiten_rewards,
                      "values": js(v_out), "advantages": js(adv), "returns": js(ret)})
    write("trl_gae", {
        "inputs": {"values": js(values), "rewards": js(rewards), "mask": js(mask)},
        "cases": cases,
    }, "PPOTrainer.compute_advantages (v0.7.11, unbound on a stub with .config.gamma/.lam/.whiten_rewards); "
       "returns are computed before whitening; advantages are masked_whiten'ed (shift_mean=True)", hashes)


def make_loss_inputs(core, rng, batch, seq, vocab, ratio_shift=0.0):
    mask = masks_for(batch, seq, rng)
    logits = f32(rng.normal(size=(batch, seq, vocab)) * 1.3)
    labels = rng.integers(0, vocab, size=(batch, seq))
    logprobs = core.logprobs_from_logits(t(logits), t(labels, torch.long))
    old_logprobs = logprobs + t(f32(rng.normal(size=(batch, seq)) * 0.25)) - ratio_shift
    values = t(f32(rng.normal(size=(batch, seq)))) * t(mask)  # compute_advantages returns masked values
    vpreds = values + t(f32(rng.normal(size=(batch, seq)) * 0.3))
    advantages = core.masked_whiten(t(f32(rng.normal(size=(batch, seq)) * 1.5)), t(mask))
    returns = values + t(f32(rng.normal(size=(batch, seq)) * 0.5))
    raw_adv = t(f32(rng.normal(size=(batch, seq)) * 1.5 + 0.3))
    return dict(old_logprobs=old_logprobs, values=values, logits=t(logits), vpreds=vpreds,
                logprobs=logprobs, mask=t(mask), advantages=advantages, returns=returns,
                raw_advantages=raw_adv)


def call_loss(methods, stub, d):
    pg, vf, stats = methods["loss"](stub, d["old_logprobs"], d["values"], d["logits"], d["vpreds"],
                                    d["logprobs"], d["mask"], d["advantages"], d["returns"])
    return pg, vf, stats


def scalar_stats(stats):
    return {k: float(v) for k, v in stats.items() if v.dim() == 0}


def gen_loss(core, methods, hashes, rng):
    trl_cfg = dict(cliprange=0.2, cliprange_value=0.2, vf_coef=0.1, ratio_threshold=10.0)
    stub = Stub(methods, **trl_cfg)
    cases = []
    for name, shift in [("normal", 0.0), ("skipped_high_ratio", 3.0)]:
        d = make_loss_inputs(core, rng, 4, 6, 8, ratio_shift=shift)
        pg, vf, stats = call_loss(methods, stub, d)
        cases.append({
            "name": name,
            "inputs": {k: js(v) for k, v in d.items() if k != "raw_advantages"},
            "pg_loss": float(pg), "vf_loss_scaled": float(vf), "total_loss": float(pg + vf),
            "avg_ratio": float(core.masked_mean(torch.exp(d["logprobs"] - d["old_logprobs"]), d["mask"])),
            "stats": scalar_stats(stats),
        })
    write("trl_loss", {"config": trl_cfg, "cases": cases},
          "PPOTrainer.loss (v0.7.11, unbound on a stub with .config.cliprange/.cliprange_value/.vf_coef/"
          ".ratio_threshold); total_loss = pg_loss + vf_coef*vf_loss as in train_minibatch; "
          "stats are the flattened dict's 0-d entries (policy/advantages and policy/ratio are per-token arrays)",
          hashes)

    # Per-step stats: three minibatches through loss, stack_dicts, the step()'s flattening and
    # record_step_stats, exactly in the order PPOTrainer.step runs them.
    batch, seq, vocab = 6, 7, 8
    d = make_loss_inputs(core, rng, batch, seq, vocab)
    mb_stats, mb_inputs = [], []
    for i in range(3):
        sl = slice(2 * i, 2 * i + 2)
        di = {k: v[sl] for k, v in d.items()}
        _, _, st = call_loss(methods, stub, di)
        mb_stats.append(st)
        mb_inputs.append({k: js(v) for k, v in di.items() if k != "raw_advantages"})
    train_stats = core.stack_dicts(mb_stats)
    train_stats["policy/advantages"] = torch.flatten(train_stats["policy/advantages"]).unsqueeze(0)
    train_stats["policy/advantages"] = torch.nan_to_num(train_stats["policy/advantages"], core.WANDB_PADDING)
    train_stats["policy/ratio"] = torch.flatten(train_stats["policy/ratio"]).unsqueeze(0)
    mask = d["mask"]
    ref_logprobs = d["old_logprobs"] + t(f32(rng.normal(size=(batch, seq)) * 0.4))
    kls = d["old_logprobs"] - ref_logprobs
    kl_coef = 0.2
    non_score_reward = -kl_coef * kls
    scores = t(f32(rng.normal(size=(batch,)) * 2))
    queries = [torch.zeros(int(n), dtype=torch.long) for n in rng.integers(3, 9, size=batch)]
    responses = [torch.zeros(int(n), dtype=torch.long) for n in rng.integers(2, 6, size=batch)]
    step_stats = methods["record_step_stats"](
        None, kl_coef=kl_coef, scores=scores, logprobs=d["old_logprobs"], ref_logprobs=ref_logprobs,
        non_score_reward=non_score_reward, train_stats=train_stats, masks=mask, queries=queries,
        responses=responses, kls=kls)
    step_stats = core.convert_to_scalar(core.stats_to_np(step_stats))
    scalars = {k: float(v) for k, v in step_stats.items() if np.ndim(v) == 0}
    write("trl_step_stats", {
        "config": trl_cfg,
        "minibatches": mb_inputs,
        "minibatch_stats": [scalar_stats(s) for s in mb_stats],
        "rollout": {"scores": js(scores), "logprobs": js(d["old_logprobs"]), "ref_logprobs": js(ref_logprobs),
                    "kls": js(kls), "non_score_reward": js(non_score_reward), "mask": js(mask),
                    "kl_coef": kl_coef, "query_lens": [len(q) for q in queries],
                    "response_lens": [len(r) for r in responses]},
        "step_stats": scalars,
        "env": {"reward_mean": float(torch.mean(scores)), "reward_std": float(torch.std(scores))},
    }, "PPOTrainer.loss on 3 minibatches of 2 rows, trl.core.stack_dicts, the flattening lines of "
       "PPOTrainer.step, PPOTrainer.record_step_stats (unbound, self unused), trl.core.stats_to_np and "
       "convert_to_scalar (all v0.7.11); env/* transcribed from PPOTrainer.log_stats (torch.mean, torch.std "
       "of the scores) because log_stats needs an accelerator", hashes)

    # RL4LMs / SB3 minibatch loss (transcription, no library call possible here).
    rl4lms_cfg = dict(cliprange=0.2, vf_coef=0.5, ent_coef=0.0, normalize_advantage=True, clip_range_vf=None)
    d = make_loss_inputs(core, rng, 4, 6, 8)
    keep = d["mask"].bool()
    adv = d["raw_advantages"][keep]
    adv_n = (adv - adv.mean()) / (adv.std() + 1e-8)  # torch.std: Bessel-corrected, as in SB3
    ratio = torch.exp(d["logprobs"][keep] - d["old_logprobs"][keep])
    pl1 = adv_n * ratio
    pl2 = adv_n * torch.clamp(ratio, 1 - 0.2, 1 + 0.2)
    policy_loss = -torch.min(pl1, pl2).mean()
    value_loss = F.mse_loss(d["returns"][keep], d["vpreds"][keep])
    entropy = core.entropy_from_logits(d["logits"])[keep]
    entropy_loss = -torch.mean(entropy)
    loss = policy_loss + 0.0 * entropy_loss + 0.5 * value_loss
    clip_fraction_sb3 = torch.mean((torch.abs(ratio - 1) > 0.2).float())
    log_ratio = d["logprobs"][keep] - d["old_logprobs"][keep]
    approx_kl_sb3 = torch.mean((torch.exp(log_ratio) - 1) - log_ratio)
    write("rl4lms_loss", {
        "config": rl4lms_cfg,
        "inputs": {"old_logprobs": js(d["old_logprobs"]), "values": js(d["values"]), "logits": js(d["logits"]),
                   "vpreds": js(d["vpreds"]), "logprobs": js(d["logprobs"]), "mask": js(d["mask"]),
                   "advantages": js(d["raw_advantages"]), "returns": js(d["returns"])},
        "normalized_advantages_flat": js(adv_n),
        "policy_loss": float(policy_loss), "value_loss": float(value_loss), "total_loss": float(loss),
        "entropy_mean": float(torch.mean(entropy)),
        "sb3_clip_fraction": float(clip_fraction_sb3), "sb3_approx_kl": float(approx_kl_sb3),
    }, "TRANSCRIPTION (not a library call) of RL4LMs rl4lms/algorithms/ppo/ppo.py PPO.train loss lines "
       "(diogo-cruz/RL4LMs d93a0ca, identical in allenai/RL4LMs): per-minibatch (adv - mean)/(std + 1e-8) "
       "with torch.std (Bessel), -min(A r, A clip(r)).mean(), F.mse_loss(returns, values) with "
       "clip_range_vf=None, loss = pg + ent_coef*(-mean entropy) + vf_coef*value_loss; the minibatch is the "
       "mask's real tokens (SB3's buffer holds one transition per token)", None)


def gen_rl4lms_gae(rng):
    """SB3 v1.5.0 RolloutBuffer.compute_returns_and_advantage on a flat buffer of whole episodes."""
    gamma, lam = 0.99, 0.95
    lengths = [5, 3, 5, 1, 4]
    resp = max(lengths)
    n = sum(lengths)
    rewards = np.zeros(n, dtype=np.float32)
    values = f32(rng.normal(size=n) * 0.5)
    episode_starts = np.zeros(n, dtype=np.float32)
    pos = 0
    for length in lengths:
        episode_starts[pos] = 1
        rewards[pos:pos + length] = f32(rng.normal(size=length) * 0.05)  # a small per-token (KL-like) reward
        rewards[pos + length - 1] += float(rng.choice([0.0, 0.25, 0.5, 0.75, 1.0]))
        pos += length
    advantages = np.zeros(n, dtype=np.float32)
    last_gae_lam = 0.0
    dones, last_values = 1.0, 0.0  # the buffer ends with a finished episode
    for step in reversed(range(n)):
        if step == n - 1:
            next_non_terminal = 1.0 - dones
            next_values = last_values
        else:
            next_non_terminal = 1.0 - episode_starts[step + 1]
            next_values = values[step + 1]
        delta = rewards[step] + gamma * next_values * next_non_terminal - values[step]
        last_gae_lam = delta + gamma * lam * next_non_terminal * last_gae_lam
        advantages[step] = last_gae_lam
    returns = advantages + values
    # The same data as [batch, resp] rows, right-padded, with a 0/1 mask.
    def rows(flat):
        out = np.zeros((len(lengths), resp), dtype=np.float64)
        p = 0
        for i, length in enumerate(lengths):
            out[i, :length] = flat[p:p + length]
            p += length
        return out
    mask = rows(np.ones(n))
    write("rl4lms_gae", {
        "gamma": gamma, "lam": lam, "episode_lengths": lengths,
        "inputs": {"values": js(rows(values)), "rewards": js(rows(rewards)), "mask": js(mask)},
        "advantages": js(rows(advantages)), "returns": js(rows(returns)),
    }, "TRANSCRIPTION (not a library call) of stable-baselines3 v1.5.0 common/buffers.py "
       "RolloutBuffer.compute_returns_and_advantage (the GAE RL4LMs uses) on a flat buffer of 5 finished "
       "episodes (episode_starts marks their first step, dones=1 at the end), float64 numpy; the results are "
       "laid out again as right-padded [batch, resp] rows", None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trl-src", default=os.environ.get("TRL_SRC"),
                    help="folder holding TRL v0.7.11's trl/ package sources (or set TRL_SRC)")
    args = ap.parse_args()
    if not args.trl_src:
        ap.error("--trl-src (or TRL_SRC) is required: unpack huggingface/trl at tag v0.7.11 and pass its trl/ folder")
    trl_src = Path(args.trl_src)
    core, methods, kl_ns, hashes = load_trl(trl_src)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    gen_core(core, hashes, rng)
    gen_kl(methods, kl_ns, hashes, rng)
    gen_rewards_gae(methods, hashes, rng)
    gen_loss(core, methods, hashes, rng)
    gen_rl4lms_gae(rng)


if __name__ == "__main__":
    main()
