import { documentPositions, lineColAt, offsetFor } from '../../../pkg/spec/positions.js';

const src = "a: 1\nb:\n  - x\n  - {c: 2}\n---\nk: v\nm:\n  n: 'q'\n";

describe('documentPositions', () => {
  const docs = documentPositions(src);
  test.each([
    ['scalar value in the first document', 0, 'a', false, { line: 1, column: 4 }],
    ['flow mapping inside a sequence', 0, 'b[1].c', false, { line: 4, column: 9 }],
    ['sequence item', 0, 'b[0]', false, { line: 3, column: 5 }],
    ['nested value in the second document', 1, 'm.n', false, { line: 8, column: 6 }],
    ['key of a nested value', 1, 'm.n', true, { line: 8, column: 3 }],
    ['missing field falls back to its parent', 1, 'm.zz', false, { line: 8, column: 3 }],
  ])('%s', (_name, doc, path, preferKey, expected) => {
    expect(lineColAt(src, offsetFor(docs[doc as number], path as string, preferKey as boolean))).toEqual(expected);
  });

  test('one map per document', () => {
    expect(docs).toHaveLength(2);
  });
});
