/**
 * Model checkpoints as a folder with `model.safetensors` (weights under their HF GPT-2 names) and
 * `config.json`, plus an importer for Hugging Face GPT-2 folders (`save_pretrained` output).
 * Each file is written atomically; config.json is written last and records the byte length and
 * SHA-256 of the weights it belongs to, so a crash between the two writes (old config, new weights)
 * is detected on load instead of silently mixing two checkpoints.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../util/assert';
import { GPT, type GPTConfig } from '../models/gpt';
import { writeJsonAtomic } from '../io/atomic_write';
import { readSafetensorsFile, writeSafetensorsFile, type HostTensor } from '../io/safetensors';

/** Weights file inside a checkpoint folder (HF's name). */
export const WEIGHTS_FILE = 'model.safetensors';
/** Configuration file inside a checkpoint folder (HF's name). */
export const CONFIG_FILE = 'config.json';
/** `format` field of our config.json. */
export const CHECKPOINT_FORMAT = 'rl-extractability/checkpoint-v1';

/** config.json of a checkpoint written by `saveCheckpoint`. */
export interface CheckpointManifest {
  /** Always `CHECKPOINT_FORMAT`. */
  readonly format: typeof CHECKPOINT_FORMAT;
  /** What the weights belong to, e.g. 'gpt', 'value-network', 'gpt-classifier'. */
  readonly kind: string;
  /** The model's configuration (e.g. a `GPTConfig`). */
  readonly config: unknown;
  /** The weights file this config belongs to. */
  readonly weights: { readonly file: string; readonly bytes: number; readonly sha256: string };
}

/** A loaded checkpoint; the caller owns (and disposes) the tensors. */
export interface LoadedCheckpoint {
  /** `kind` given to `saveCheckpoint`. */
  readonly kind: string;
  /** `config` given to `saveCheckpoint` (parsed JSON). */
  readonly config: unknown;
  /** Weights by name, float32 or int32 as saved. */
  readonly tensors: Map<string, tf.Tensor>;
}

async function toHost(weights: ReadonlyMap<string, tf.Tensor>): Promise<Map<string, HostTensor>> {
  const host = new Map<string, HostTensor>();
  for (const [name, t] of weights) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`checkpoint: tensor '${name}' has dtype ${t.dtype}; expected float32 or int32`);
    host.set(name, { dtype: t.dtype, shape: t.shape, data: (await t.data()) as Float32Array | Int32Array });
  }
  return host;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Saves `weights` (float32/int32, values copied bit for bit) and `config` to `dir`, creating it.
 * Writes the weights first and config.json last, each atomically.
 */
export async function saveCheckpoint(dir: string, kind: string, config: unknown, weights: ReadonlyMap<string, tf.Tensor>): Promise<void> {
  const bytes = writeSafetensorsFile(path.join(dir, WEIGHTS_FILE), await toHost(weights), { format: 'pt', kind });
  const manifest: CheckpointManifest = { format: CHECKPOINT_FORMAT, kind, config, weights: { file: WEIGHTS_FILE, bytes: bytes.length, sha256: sha256(bytes) } };
  writeJsonAtomic(path.join(dir, CONFIG_FILE), manifest);
}

/** Loads a folder written by `saveCheckpoint`; checks that config.json and the weights belong together. */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const manifest = readJson(path.join(dir, CONFIG_FILE)) as CheckpointManifest;
  if (manifest.format !== CHECKPOINT_FORMAT) {
    throw new ConfigError(`checkpoint: ${path.join(dir, CONFIG_FILE)} has format ${JSON.stringify(manifest.format)}; expected '${CHECKPOINT_FORMAT}' (use importHfGpt2 for Hugging Face folders)`);
  }
  const file = path.join(dir, manifest.weights.file);
  const bytes = fs.readFileSync(file);
  if (bytes.length !== manifest.weights.bytes || sha256(bytes) !== manifest.weights.sha256) {
    throw new Error(`checkpoint: ${file} (${bytes.length} bytes) does not match the SHA-256 recorded in ${CONFIG_FILE}; the folder mixes two saves`);
  }
  const { tensors } = readSafetensorsFile(file);
  return { kind: manifest.kind, config: manifest.config, tensors: toTensors(tensors) };
}

function toTensors(host: Map<string, HostTensor>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, t] of host) out.set(name, tf.tensor(t.data, [...t.shape], t.dtype));
  return out;
}

function readJson(file: string): unknown {
  if (!fs.existsSync(file)) throw new Error(`checkpoint: ${file} does not exist`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function disposeAll(tensors: Map<string, tf.Tensor>): void {
  for (const t of tensors.values()) t.dispose();
}

/** Saves a GPT (kind 'gpt') with its config. */
export async function saveGPT(dir: string, model: GPT): Promise<void> {
  await saveCheckpoint(dir, 'gpt', model.config, model.namedWeights());
}

/**
 * Loads a GPT from a folder: our own checkpoint (kind 'gpt') or a Hugging Face GPT-2 folder
 * (recognised by `model_type: "gpt2"` in config.json).
 */
export function loadGPT(dir: string, trainable = true): GPT {
  const cfg = readJson(path.join(dir, CONFIG_FILE)) as Record<string, unknown>;
  if (cfg.model_type === 'gpt2') return importHfGpt2(dir, trainable);
  const ckpt = loadCheckpoint(dir);
  try {
    if (ckpt.kind !== 'gpt') throw new ConfigError(`checkpoint: ${dir} holds kind '${ckpt.kind}'; expected 'gpt'`);
    return GPT.fromTensors(ckpt.config as GPTConfig, ckpt.tensors, trainable);
  } finally {
    disposeAll(ckpt.tensors);
  }
}

/**
 * Translates a Hugging Face GPT2Config (config.json) to a `GPTConfig`; rejects variants this
 * implementation does not compute (another activation, n_inner != 4 n_embd, unscaled or
 * layer-scaled attention, different dropout rates per site).
 */
export function gptConfigFromHf(hf: Record<string, unknown>): GPTConfig {
  const expect = (field: string, ok: boolean, allowed: string) => {
    if (!ok) throw new ConfigError(`config.json: ${field} = ${JSON.stringify(hf[field])} is not supported; expected ${allowed}`);
  };
  expect('model_type', hf.model_type === 'gpt2', "'gpt2'");
  expect('activation_function', hf.activation_function === undefined || hf.activation_function === 'gelu_new' || hf.activation_function === 'gelu_pytorch_tanh', "'gelu_new' (tanh GELU)");
  expect('n_inner', hf.n_inner == null || hf.n_inner === 4 * (hf.n_embd as number), 'null or 4 * n_embd');
  expect('scale_attn_weights', hf.scale_attn_weights === undefined || hf.scale_attn_weights === true, 'true');
  expect('scale_attn_by_inverse_layer_idx', !hf.scale_attn_by_inverse_layer_idx, 'false');
  const rates = ['resid_pdrop', 'embd_pdrop', 'attn_pdrop'].map((k) => (hf[k] as number | undefined) ?? 0.1);
  expect('attn_pdrop', rates.every((r) => r === rates[0]), `equal resid_pdrop, embd_pdrop and attn_pdrop (one dropout rate), got ${rates.join(', ')}`);
  return {
    vocabSize: hf.vocab_size as number,
    nPositions: hf.n_positions as number,
    dModel: hf.n_embd as number,
    nLayer: hf.n_layer as number,
    nHead: hf.n_head as number,
    dropout: rates[0],
    tiedEmbeddings: (hf.tie_word_embeddings as boolean | undefined) ?? true,
    layerNormEps: (hf.layer_norm_epsilon as number | undefined) ?? 1e-5,
  };
}

/** HF key -> our name: drop the `transformer.` prefix; undefined for buffers that are not weights. */
export function hfKeyToName(key: string, tied: boolean): string | undefined {
  const name = key.startsWith('transformer.') ? key.slice('transformer.'.length) : key;
  if (/^h\.\d+\.attn\.(bias|masked_bias)$/.test(name)) return undefined; // causal-mask buffers of older transformers
  if (name === 'lm_head.weight' && tied) return undefined; // a tied copy of wte
  return name;
}

/**
 * Imports a Hugging Face GPT-2 folder (`config.json` + `model.safetensors`, as `save_pretrained`
 * writes; float32, float16 or bfloat16 weights become float32). Keys may carry the `transformer.`
 * prefix; `attn.bias`/`attn.masked_bias` buffers are skipped.
 */
export function importHfGpt2(dir: string, trainable = true): GPT {
  const config = gptConfigFromHf(readJson(path.join(dir, CONFIG_FILE)) as Record<string, unknown>);
  const { tensors: host } = readSafetensorsFile(path.join(dir, WEIGHTS_FILE), (key) => hfKeyToName(key, config.tiedEmbeddings) === undefined);
  const renamed = new Map<string, HostTensor>();
  for (const [key, t] of host) renamed.set(hfKeyToName(key, config.tiedEmbeddings) as string, t);
  const tensors = toTensors(renamed);
  try {
    return GPT.fromTensors(config, tensors, trainable);
  } finally {
    disposeAll(tensors);
  }
}
