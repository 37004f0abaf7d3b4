import { demuxLogs } from '../../../pkg/docker/demux.js';

const frame = (stream: number, text: string): Buffer => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

describe('demuxLogs', () => {
  test.each([
    ['stdout and stderr frames, in order', Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n'), frame(1, 'c\n')]), 'a\nb\nc\n'],
    ['a truncated last frame keeps what arrived', Buffer.concat([frame(1, 'a\n'), frame(1, 'bcd').subarray(0, 10)]), 'a\nbc'],
    ['a TTY log (no headers) passes through', Buffer.from('plain text\n'), 'plain text\n'],
    ['empty', Buffer.alloc(0), ''],
  ])('%s', (_n, input, want) => {
    expect(demuxLogs(input)).toBe(want);
  });
});
