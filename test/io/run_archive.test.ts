import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { archivePartName, checkRunArchive, exportRunArchive, importRunArchive, parseArchiveName, splitArchiveLines } from '../../src/io/run_archive';
import { RunStore } from '../../src/io/run_store';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'run-archive-'));
const store = (root: string, kind = 'toy_rl') => new RunStore(path.join(root, kind), { kind, backend: () => 'cpu', onNotice: () => undefined });

/** Every file under `dir` with its bytes, relative path first (sorted). */
function tree(dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push([path.relative(dir, full), fs.readFileSync(full, 'utf8')]);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** A store with two kinds: two configurations of one key (baseline and ablation) and a second key. */
function filledRoot(): string {
  const root = tmp();
  const rl = store(root);
  rl.put('task1/rate0/seed0', { task: 1, iterations: 30 }, { eval: { t_only: 0.25 } }, 1200);
  rl.put('task1/rate0/seed0', { task: 1, iterations: 4 }, { eval: { t_only: 0.5 } }, 300);
  rl.put('task2/rate0.5/seed1', { task: 2, iterations: 30 }, { eval: { t_only: 0.75 } }, 900);
  store(root, 'toy_mdl').put('task1/t/seed0', { task: 1, feature: 't' }, { mdlBits: 123.5 }, 50);
  return root;
}

describe('run archive: export and import of verified runs', () => {
  it('round-trips: importing the export into an empty store recreates every result file byte for byte (step logs aside)', () => {
    const root = filledRoot();
    const archive = tmp();
    const exported = exportRunArchive(root, archive);
    assert.deepEqual(exported.map((r) => [r.kind, r.written, r.rejected.length]), [['toy_mdl', 1, 0], ['toy_rl', 3, 0]]);
    assert.deepEqual(fs.readdirSync(archive).sort(), ['toy_mdl.jsonl', 'toy_rl.jsonl']);
    assert.equal(fs.readFileSync(path.join(archive, 'toy_rl.jsonl'), 'utf8').trimEnd().split('\n').length, 3);
    const fresh = tmp();
    const imported = importRunArchive(archive, fresh);
    assert.deepEqual(imported.map((r) => [r.kind, r.written, r.present, r.rejected.length]), [['toy_mdl', 1, 0, 0], ['toy_rl', 3, 0, 0]]);
    assert.deepEqual(tree(fresh), tree(root));
    // The store reuses an imported run exactly as one computed here.
    const got = store(fresh).get<unknown, { eval: { t_only: number } }>('task1/rate0/seed0', { task: 1, iterations: 4 });
    assert.equal(got?.result.eval.t_only, 0.5);
    assert.equal(got?.wallMs, 300);
  });

  it('is deterministic: the same store exports the same bytes, sorted by key then hash', () => {
    const root = filledRoot();
    const [a, b] = [tmp(), tmp()];
    exportRunArchive(root, a);
    exportRunArchive(root, b);
    assert.deepEqual(tree(a), tree(b));
    const keys = fs.readFileSync(path.join(a, 'toy_rl.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).key);
    assert.deepEqual(keys, ['task1/rate0/seed0', 'task1/rate0/seed0', 'task2/rate0.5/seed1']);
  });

  it('cuts a kind that passes the part size into <kind>.jsonl, <kind>.2.jsonl, …, reads the parts as one, and merges them again under a larger size', () => {
    const root = filledRoot();
    const archive = tmp();
    const whole = tmp();
    exportRunArchive(root, whole);
    const lines = fs.readFileSync(path.join(whole, 'toy_rl.jsonl'), 'utf8').trimEnd().split('\n');
    // A cap of the first two lines' bytes (each with its newline) keeps them together and puts the third in part 2.
    const cap = Buffer.byteLength(lines[0]) + 1 + Buffer.byteLength(lines[1]) + 1;
    exportRunArchive(root, archive, undefined, cap);
    assert.deepEqual(fs.readdirSync(archive).sort(), ['toy_mdl.jsonl', 'toy_rl.2.jsonl', 'toy_rl.jsonl']);
    assert.equal(fs.readFileSync(path.join(archive, 'toy_rl.jsonl'), 'utf8'), `${lines[0]}\n${lines[1]}\n`);
    assert.equal(fs.readFileSync(path.join(archive, 'toy_rl.2.jsonl'), 'utf8'), `${lines[2]}\n`);
    assert.deepEqual(checkRunArchive(archive), []);
    const fresh = tmp();
    assert.deepEqual(importRunArchive(archive, fresh).map((r) => [r.kind, r.written]), [['toy_mdl', 1], ['toy_rl', 3]]);
    assert.deepEqual(tree(fresh), tree(root));
    // A second export at the same cap finds every run present and writes the same bytes.
    const before = tree(archive);
    assert.deepEqual(exportRunArchive(root, archive, undefined, cap).map((r) => [r.kind, r.written, r.present]), [['toy_mdl', 0, 1], ['toy_rl', 0, 3]]);
    assert.deepEqual(tree(archive), before);
    // Under the default size the kind is one file again and the left-over part is removed.
    exportRunArchive(root, archive);
    assert.deepEqual(tree(archive), tree(whole));
    // A gap in the parts is a problem of the archive.
    exportRunArchive(root, archive, undefined, cap);
    fs.renameSync(path.join(archive, 'toy_rl.2.jsonl'), path.join(archive, 'toy_rl.3.jsonl'));
    assert.deepEqual(checkRunArchive(archive), ['toy_rl: archive parts 1, 3; expected 1 to 2 without gaps']);
  });

  it('splits lines greedily by bytes, one over-long line alone; names parts and parses them back (hand-worked)', () => {
    // Sizes with newlines: 4, 3, 2, 9, 2 at a cap of 7: [aaa bb] (7), [c] (2 + 9 > 7), [dddddddd] alone (9 > 7), [e].
    assert.deepEqual(splitArchiveLines(['aaa', 'bb', 'c', 'dddddddd', 'e'], 7), [['aaa', 'bb'], ['c'], ['dddddddd'], ['e']]);
    assert.deepEqual(splitArchiveLines([], 7), []);
    assert.equal(archivePartName('language_rl', 1), 'language_rl.jsonl');
    assert.equal(archivePartName('language_rl', 12), 'language_rl.12.jsonl');
    assert.deepEqual(parseArchiveName('language_rl.12.jsonl'), { kind: 'language_rl', part: 12 });
    assert.deepEqual(parseArchiveName('toy_rl.jsonl'), { kind: 'toy_rl', part: 1 });
    for (const bad of ['toy_rl.1.jsonl', 'toy_rl.02.jsonl', 'Toy.jsonl', 'toy_rl.json', 'toy_rl.2.x.jsonl']) assert.equal(parseArchiveName(bad), null, bad);
  });

  it('a second import finds every run present and writes nothing', () => {
    const root = filledRoot();
    const archive = tmp();
    exportRunArchive(root, archive);
    const again = importRunArchive(archive, root);
    assert.deepEqual(again.map((r) => [r.kind, r.written, r.present]), [['toy_mdl', 0, 1], ['toy_rl', 0, 3]]);
  });

  it('export leaves out an edited result file, and names it and the reason', () => {
    const root = filledRoot();
    const file = store(root).entries().find((e) => e.key === 'task2/rate0.5/seed1')!.file;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('0.75', '0.8'));
    const archive = tmp();
    const [, rl] = exportRunArchive(root, archive);
    assert.equal(rl.written, 2);
    assert.equal(rl.rejected.length, 1);
    assert.match(rl.rejected[0], /^toy_rl\/task2\/rate0\.5\/seed1--[0-9a-f]{12}\.json: content hash does not match/);
  });

  it('import rejects an edited line, a line of another kind and a moved key, and imports the rest', () => {
    const root = filledRoot();
    const archive = tmp();
    exportRunArchive(root, archive);
    const f = path.join(archive, 'toy_rl.jsonl');
    const lines = fs.readFileSync(f, 'utf8').trimEnd().split('\n');
    const mdlLine = fs.readFileSync(path.join(archive, 'toy_mdl.jsonl'), 'utf8').trimEnd();
    const moved = JSON.parse(lines[2]);
    moved.key = '../escape';
    fs.writeFileSync(f, [lines[0], lines[1].replace(/"t_only":[0-9.]+/, '"t_only":0.9'), JSON.stringify(moved), mdlLine, 'not json'].join('\n') + '\n');
    const fresh = tmp();
    const rl = importRunArchive(archive, fresh).find((r) => r.kind === 'toy_rl')!;
    assert.equal(rl.written, 1);
    assert.deepEqual(rl.rejected.map((l) => l.replace(/ \(.*$/, '').slice(0, 60)), [
      'toy_rl.jsonl:2: content hash does not match',
      'toy_rl.jsonl:3: key "../escape" is not a store key',
      'toy_rl.jsonl:4: run kind "toy_mdl", expected toy_rl',
      'toy_rl.jsonl:5: not valid JSON',
    ]);
    assert.equal(tree(fresh).filter(([p]) => p.startsWith('toy_rl')).length, 1);
  });

  it('never replaces a verified result of the same configuration that differs: reported as a conflict', () => {
    const root = filledRoot();
    const archive = tmp();
    exportRunArchive(root, archive);
    const other = tmp();
    store(other).put('task2/rate0.5/seed1', { task: 2, iterations: 30 }, { eval: { t_only: 0.1 } }, 900); // same config, another result
    const before = tree(other);
    const rl = importRunArchive(archive, other).find((r) => r.kind === 'toy_rl')!;
    assert.equal(rl.written, 2);
    assert.equal(rl.rejected.length, 1);
    assert.match(rl.rejected[0], /task2\/rate0\.5\/seed1 conflicts with toy_rl\/task2\/rate0\.5\/seed1--[0-9a-f]{12}\.json \(same configuration, other result/);
    const kept = tree(other).find(([p]) => p.startsWith('toy_rl/task2'))!;
    assert.deepEqual(kept, before.find(([p]) => p.startsWith('toy_rl/task2')));
  });

  it('with replaceConflictsInto, moves the conflicting result and its step log there and imports the archive\'s', () => {
    const root = filledRoot();
    const archive = tmp();
    exportRunArchive(root, archive);
    const archivedBytes = tree(root).find(([p]) => p.startsWith('toy_rl/task2'))!;
    const other = tmp();
    store(other).put('task2/rate0.5/seed1', { task: 2, iterations: 30 }, { eval: { t_only: 0.1 } }, 900); // same config, another result
    const local = tree(other).find(([p]) => p.startsWith('toy_rl/task2'))!;
    const stepLog = path.join(other, local[0].replace(/\.json$/, '.steps.jsonl'));
    fs.writeFileSync(stepLog, '{"iteration":0}\n');
    const aside = path.join(tmp(), 'replaced');
    const rl = importRunArchive(archive, other, undefined, { replaceConflictsInto: aside }).find((r) => r.kind === 'toy_rl')!;
    assert.deepEqual([rl.written, rl.present, rl.rejected.length, rl.replaced?.length], [3, 0, 0, 1]);
    assert.match(rl.replaced![0], /^task2\/rate0\.5\/seed1: content hash [0-9a-f]{12} moved to .*replaced\/toy_rl\/task2\/rate0\.5\/seed1--[0-9a-f]{12}\.json, [0-9a-f]{12} imported$/);
    // The archive's bytes are in the store; the store's result and its step log are aside, byte for byte.
    assert.deepEqual(tree(other).find(([p]) => p.startsWith('toy_rl/task2') && p.endsWith('.json')), archivedBytes);
    assert.ok(!fs.existsSync(stepLog));
    assert.deepEqual(tree(aside), [[local[0], local[1]], [local[0].replace(/\.json$/, '.steps.jsonl'), '{"iteration":0}\n']].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    // Without the option nothing moves (the test above); a second import finds every run present.
    const again = importRunArchive(archive, other, undefined, { replaceConflictsInto: aside }).find((r) => r.kind === 'toy_rl')!;
    assert.deepEqual([again.written, again.present, again.replaced?.length], [0, 3, 0]);
  });

  it('replaces a corrupted file in the store with the verified line', () => {
    const root = filledRoot();
    const archive = tmp();
    exportRunArchive(root, archive);
    const file = store(root).entries().find((e) => e.key === 'task2/rate0.5/seed1')!.file;
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, good.slice(0, 40)); // torn
    const rl = importRunArchive(archive, root).find((r) => r.kind === 'toy_rl')!;
    assert.deepEqual([rl.written, rl.present, rl.rejected.length], [1, 2, 0]);
    assert.equal(fs.readFileSync(file, 'utf8'), good);
  });
});

describe('run archive: export never drops an archived run', () => {
  it('a store holding part of the archive exports the union; the archive keeps the runs the store lacks', () => {
    const root = filledRoot();
    const archive = tmp();
    exportRunArchive(root, archive);
    const before = fs.readFileSync(path.join(archive, 'toy_rl.jsonl'), 'utf8');
    // A new machine: one archived run imported, one new run computed.
    const fresh = tmp();
    store(fresh).put('task2/rate0.5/seed1', { task: 2, iterations: 30 }, { eval: { t_only: 0.75 } }, 900);
    store(fresh).put('task3/rate0/seed0', { task: 3, iterations: 30 }, { eval: { t_only: 0.3 } }, 700);
    const [mdl, rl] = exportRunArchive(fresh, archive);
    assert.deepEqual([mdl.kind, mdl.written, mdl.present], ['toy_mdl', 0, 0]); // archived kind with no store folder: kept as is
    assert.deepEqual([rl.written, rl.present, rl.rejected.length], [1, 1, 0]);
    const after = fs.readFileSync(path.join(archive, 'toy_rl.jsonl'), 'utf8').trimEnd().split('\n');
    assert.equal(after.length, 4);
    for (const line of before.trimEnd().split('\n')) assert.ok(after.includes(line));
    assert.equal(fs.readFileSync(path.join(archive, 'toy_mdl.jsonl'), 'utf8').trimEnd().split('\n').length, 1);
  });

  it('a store run that conflicts with the archived run of its configuration is reported and not exported', () => {
    const root = filledRoot();
    const archive = tmp();
    exportRunArchive(root, archive);
    const before = fs.readFileSync(path.join(archive, 'toy_rl.jsonl'), 'utf8');
    const other = tmp();
    store(other).put('task2/rate0.5/seed1', { task: 2, iterations: 30 }, { eval: { t_only: 0.1 } }, 900);
    const rl = exportRunArchive(other, archive).find((r) => r.kind === 'toy_rl')!;
    assert.deepEqual([rl.written, rl.present], [0, 0]);
    assert.match(rl.rejected[0], /^toy_rl\/task2\/rate0\.5\/seed1--[0-9a-f]{12}\.json: conflicts with the archived run of the same configuration/);
    assert.equal(fs.readFileSync(path.join(archive, 'toy_rl.jsonl'), 'utf8'), before);
  });
});

describe('run archive: the committed archives verify', () => {
  it('every line of results/<preset>/<kind>.jsonl in this repository passes the import checks', () => {
    const resultsRoot = path.resolve(__dirname, '..', '..', 'results');
    const presets = fs.existsSync(resultsRoot) ? fs.readdirSync(resultsRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
    for (const preset of presets) assert.deepEqual(checkRunArchive(path.join(resultsRoot, preset)), [], `results/${preset}`);
  });

  it('the check names an edited line', () => {
    const root = filledRoot();
    const archive = tmp();
    exportRunArchive(root, archive);
    assert.deepEqual(checkRunArchive(archive), []);
    const f = path.join(archive, 'toy_mdl.jsonl');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('123.5', '120'));
    assert.deepEqual(checkRunArchive(archive), ['toy_mdl.jsonl:1: content hash does not match (edited or corrupted)']);
  });
});
