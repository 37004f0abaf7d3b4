import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPools } from '../../cmd/load-pools.js';
import { loadSpecs } from '../../pkg/spec/index.js';
import { issuesOf, pool } from './spec-helpers.js';

// An editor that truncates before writing, or `> spec.yaml`, must not read as "remove every pool".
describe('an empty spec file is an error, not an empty pool list', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shghar-adv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test.each([[''], ['\n\n'], ['# only a comment\n'], ['---\n']])('file content %j', (content) => {
    const file = join(dir, 'pools.yaml');
    writeFileSync(file, content);
    const issues = issuesOf(() => loadSpecs(file));
    expect(issues).toEqual([expect.objectContaining({ file, message: expect.stringMatching(/no RunnerPool or Controller document/) })]);
    // the run loop's reload goes through loadPools: it must reject too, so the last good spec keeps running
    issuesOf(() => loadPools([file], [], {}));
  });

  test('one empty file in a folder of specs rejects the folder', () => {
    writeFileSync(join(dir, 'a.yaml'), pool('    min: 0\n'));
    writeFileSync(join(dir, 'b.yaml'), '');
    const issues = issuesOf(() => loadSpecs(dir));
    expect(issues.map((i) => i.file)).toEqual([join(dir, 'b.yaml')]);
  });
});

// Latin-1 or binary bytes decoded leniently turn into U+FFFD and a misleading schema error far from the cause.
describe('a spec file that is not UTF-8 is named as such, with the line and column of the first bad byte', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shghar-adv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a Latin-1 label', () => {
    const file = join(dir, 'latin1.yaml');
    const text = pool('    min: 0\n').replace('image: img', 'image: img\n    labels: [caf\u00e9]');
    writeFileSync(file, Buffer.from(text, 'latin1'));
    const issues = issuesOf(() => loadSpecs(file));
    expect(issues).toEqual([expect.objectContaining({ file, line: 9, column: 17, message: expect.stringMatching(/not UTF-8/) })]);
  });
});
