import { EVENT_ID, SCALAR_STYLE, getScalarValue, parseEvents, type Event } from 'js-yaml';

/**
 * Where each node of a YAML document sits in the source, keyed by dotted path (`spec.runner.labels[0]`).
 * Built from js-yaml's event stream, which carries offsets; js-yaml's loaded values carry none.
 */
export interface NodePosition {
  /** offset of the mapping key naming this node, when it is a mapping value */
  key?: number;
  /** offset of the node itself */
  value: number;
}
export type PositionMap = Map<string, NodePosition>;

export interface LineCol {
  line: number;
  column: number;
}

type Frame =
  | { kind: 'doc'; path: string | null }
  | { kind: 'map'; path: string | null; expectingKey: boolean; key?: string; keyOffset?: number }
  | { kind: 'seq'; path: string | null; index: number };

const join = (base: string, key: string): string => (base ? `${base}.${key}` : key);

const nodeStart = (ev: Event): number => {
  switch (ev.type) {
    case EVENT_ID.SCALAR:
      if (ev.anchorStart >= 0) return ev.anchorStart - 1;
      if (ev.tagStart >= 0) return ev.tagStart - 1;
      // Quoted scalars report the offset inside the opening quote.
      return ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED
        ? ev.valueStart - 1
        : ev.valueStart;
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return ev.start;
    case EVENT_ID.ALIAS:
      return ev.anchorStart - 1;
    default:
      return 0;
  }
};

/** One position map per document, in document order. Throws js-yaml's exception on a syntax error. */
export const documentPositions = (source: string): PositionMap[] => {
  const docs: PositionMap[] = [];
  let current: PositionMap = new Map();
  const stack: Frame[] = [];
  for (const ev of parseEvents(source, {})) {
    if (ev.type === EVENT_ID.DOCUMENT) {
      current = new Map();
      stack.push({ kind: 'doc', path: '' });
      continue;
    }
    if (ev.type === EVENT_ID.POP) {
      const done = stack.pop();
      if (done?.kind === 'doc') docs.push(current);
      continue;
    }
    const parent = stack[stack.length - 1];
    if (!parent) continue;
    const start = nodeStart(ev);
    let path: string | null = null;
    if (parent.kind === 'map') {
      if (parent.expectingKey) {
        parent.expectingKey = false;
        if (ev.type === EVENT_ID.SCALAR) {
          parent.key = getScalarValue(source, ev);
          parent.keyOffset = start;
        } else {
          // A complex key: nothing in a spec uses one; skip its subtree.
          parent.key = undefined;
          if (ev.type === EVENT_ID.MAPPING) stack.push({ kind: 'map', path: null, expectingKey: true });
          if (ev.type === EVENT_ID.SEQUENCE) stack.push({ kind: 'seq', path: null, index: 0 });
        }
        continue;
      }
      parent.expectingKey = true;
      path = parent.path !== null && parent.key !== undefined ? join(parent.path, parent.key) : null;
      if (path !== null) current.set(path, { key: parent.keyOffset, value: start });
    } else if (parent.kind === 'seq') {
      path = parent.path !== null ? `${parent.path}[${parent.index}]` : null;
      parent.index += 1;
      if (path !== null) current.set(path, { value: start });
    } else {
      path = '';
      current.set('', { value: start });
    }
    if (ev.type === EVENT_ID.MAPPING) stack.push({ kind: 'map', path, expectingKey: true });
    if (ev.type === EVENT_ID.SEQUENCE) stack.push({ kind: 'seq', path, index: 0 });
  }
  return docs;
};

/** 1-based line and column of an offset. */
export const lineColAt = (source: string, offset: number): LineCol => {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
};

/**
 * The offset for a path: the node itself, or its key when `preferKey`, else the nearest ancestor that exists
 * (a missing field is reported where its parent is).
 */
export const offsetFor = (positions: PositionMap | undefined, path: string, preferKey = false): number => {
  if (!positions) return 0;
  let p = path;
  for (;;) {
    const pos = positions.get(p);
    if (pos) return preferKey && pos.key !== undefined ? pos.key : (pos.value ?? 0);
    if (p === '') return 0;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
};
