/**
 * The layer order of `src/`, declared once, and a check that every relative import in `src/`
 * points down (or within its own folder). A layer may import any lower layer; an import of the
 * same or a higher layer from another folder fails here with the file, the import and both layers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Lowest first. `backend.ts` (which tensor backend, with which numerics) sits below `io` because a
 * run's identity in the run store names the backend and its numerics. `io` (atomic files, JSONL, manifests, safetensors, the run store, dataset paths) sits
 * right above `util` so that data builders, tokenizers and reward models can write their files;
 * `viz` builds charts from result rows and sits below `study`, which runs the experiments; the
 * entry points (`cli.ts`, the notebook runner, the grid launcher, the bench) are on top.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['backend.ts'],
  ['io', 'tensor'],
  ['tokenizer', 'optim', 'stats'],
  ['models', 'tasks'],
  ['rl', 'probing', 'lm', 'reward'],
  ['sft'],
  ['hypotheses'],
  ['viz'],
  ['study'],
  ['grid'],
  ['cli.ts'],
  ['notebooks', 'bench', 'setup'],
];

/**
 * Imports the layer order allows but the design does not: `[importer, imported, why]`, both as paths
 * under `src/` without extension (a folder ends with `/`).
 */
export const FORBIDDEN_IMPORTS: readonly (readonly [string, string, string])[] = [
  ['viz/', 'io/paths', 'viz gets the paths of figures passed in (a notebook passes figuresPath(name))'],
  ['rl/sentiment_classifier', 'tasks/language/corpus', 'the reward model gets its passages passed in'],
];

const SRC = path.join(__dirname, '..', 'src');

function layerOf(top: string): number {
  const i = LAYERS.findIndex((l) => l.includes(top));
  if (i < 0) throw new Error(`src/${top}: not in LAYERS; add it to the layer order in test/layering.test.ts`);
  return i;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Every relative import of a file's text (static, dynamic, `require`, `export ... from`). */
export function relativeImports(text: string): string[] {
  const out: string[] = [];
  const rx = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)(['"])(\.[^'"]*)\1/g;
  for (let m = rx.exec(text); m; m = rx.exec(text)) out.push(m[2]);
  return out;
}

/** The imports of `src/` that run against the layer order, as `file -> target (layer a -> layer b)` lines. */
export function layerViolations(): string[] {
  const bad: string[] = [];
  for (const file of walk(SRC)) {
    const from = path.relative(SRC, file).split(path.sep)[0];
    for (const spec of relativeImports(fs.readFileSync(file, 'utf8'))) {
      const target = path.relative(SRC, path.resolve(path.dirname(file), spec));
      if (target.startsWith('..')) continue; // outside src/ (none expected)
      let to = target.split(path.sep)[0];
      if (!to.includes('.') && fs.existsSync(path.join(SRC, `${to}.ts`)) && !fs.existsSync(path.join(SRC, to))) to = `${to}.ts`;
      if (to === from) continue;
      const a = layerOf(from);
      const b = layerOf(to);
      if (b >= a) bad.push(`src/${path.relative(SRC, file)} -> ${spec} (${from}: layer ${a} -> ${to}: layer ${b})`);
    }
  }
  return bad;
}

/** The imports of `src/` that {@link FORBIDDEN_IMPORTS} rules out, as `file -> target (why)` lines. */
export function forbiddenImports(): string[] {
  const bad: string[] = [];
  const matches = (p: string, rule: string): boolean => (rule.endsWith('/') ? p.startsWith(rule) : p === rule);
  for (const file of walk(SRC)) {
    const from = path.relative(SRC, file).split(path.sep).join('/').replace(/\.ts$/, '');
    for (const spec of relativeImports(fs.readFileSync(file, 'utf8'))) {
      const to = path.relative(SRC, path.resolve(path.dirname(file), spec)).split(path.sep).join('/').replace(/\.ts$/, '');
      for (const [importer, imported, why] of FORBIDDEN_IMPORTS) {
        if (matches(from, importer) && matches(to, imported)) bad.push(`src/${from}.ts -> ${spec} (${why})`);
      }
    }
  }
  return bad;
}

describe('layering', () => {
  it('finds the imports of a file, static and dynamic', () => {
    assert.deepEqual(relativeImports("import { a } from '../x';\nexport { b } from './y';\nconst c = await import('../../z');\nimport 'fs';"), ['../x', './y', '../../z']);
  });

  it('every top-level entry of src/ has a layer', () => {
    for (const e of fs.readdirSync(SRC)) if (e.endsWith('.ts') || fs.statSync(path.join(SRC, e)).isDirectory()) layerOf(e);
  });

  it('every import in src/ points to a lower layer or its own folder', () => {
    assert.deepEqual(layerViolations(), []);
  });

  it('no file makes an import that the design rules out although the layers allow it', () => {
    assert.deepEqual(forbiddenImports(), []);
  });
});
