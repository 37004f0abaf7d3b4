// Trace files for replay: JSON lines or CSV with offset (ms), labels, duration (ms), repository.
export interface TraceEntry { offsetMs: number; labels: string[]; durationMs: number; repository: string }

export function parseTrace(text: string): TraceEntry[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0) return [];
  if (lines[0].startsWith('{')) {
    return lines.map((l) => {
      const o = JSON.parse(l);
      return { offsetMs: Number(o.offsetMs ?? o.offset), labels: [...o.labels], durationMs: Number(o.durationMs ?? o.duration), repository: String(o.repository) };
    });
  }
  const header = /offset/i.test(lines[0]) ? lines.shift()! : 'offset,labels,duration,repository';
  const cols = header.split(',').map((c) => c.trim().toLowerCase());
  const at = (name: string) => cols.findIndex((c) => c.startsWith(name));
  return lines.map((l) => {
    const f = l.split(',').map((c) => c.trim());
    // Labels are separated by `;` or spaces inside their CSV field.
    return { offsetMs: Number(f[at('offset')]), labels: f[at('labels')].split(/[;\s]+/).filter(Boolean), durationMs: Number(f[at('duration')]), repository: f[at('repository')] };
  }).sort((a, b) => a.offsetMs - b.offsetMs);
}
