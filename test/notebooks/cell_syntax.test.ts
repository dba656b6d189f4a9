/**
 * Every code cell of the study notebooks parses as TypeScript (tslab's 5.0 parser, top-level await
 * allowed), so a syntax slip such as an unescaped backtick inside an `md` template fails here in
 * seconds instead of minutes into the smoke run of the notebooks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';

const NOTEBOOKS = path.resolve(__dirname, '..', '..', 'notebooks');

/** The parse errors of one cell's source, as 'line:col message' (empty when it parses). */
function syntaxErrors(source: string): string[] {
  const file = ts.createSourceFile('cell.mts', source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const diagnostics = (file as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => {
    const { line, character } = file.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe('notebook code cells', () => {
  it('the check catches an unescaped backtick inside a template literal, and passes the escaped one', () => {
    assert.notDeepEqual(syntaxErrors('showMarkdown(md`a larger N (`toyMdl.data.probeSize`) would be needed.`);'), []);
    assert.deepEqual(syntaxErrors('showMarkdown(md`a larger N (\\`toyMdl.data.probeSize\\`) would be needed.`);'), []);
    assert.deepEqual(syntaxErrors('const x = await Promise.resolve(1);\nconst y: number = x;'), []);
  });

  const files = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort();
  it('finds the eight study notebooks', () => assert.equal(files.length, 8, files.join(', ')));
  for (const f of files) {
    it(`${f}: every code cell parses`, () => {
      const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, f), 'utf8')) as { cells: { cell_type: string; source: string | string[] }[] };
      const problems = nb.cells.flatMap((c, i) => {
        if (c.cell_type !== 'code') return [];
        const source = Array.isArray(c.source) ? c.source.join('') : c.source;
        return syntaxErrors(source).map((e) => `cell ${i + 1}: ${e}`);
      });
      assert.deepEqual(problems, []);
    });
  }
});
