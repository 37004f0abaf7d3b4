/**
 * Docker multiplexes stdout and stderr into 8-byte-header frames when the container has no TTY:
 * [stream(1) 0 0 0 size(4, big endian)] payload. A TTY container's log is raw bytes.
 */
export function demuxLogs(buf: Buffer): string {
  if (!looksMultiplexed(buf)) return buf.toString('utf8');
  const parts: Buffer[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    const size = buf.readUInt32BE(off + 4);
    const end = Math.min(off + 8 + size, buf.length);
    parts.push(buf.subarray(off + 8, end));
    off = end;
  }
  return Buffer.concat(parts).toString('utf8');
}

function looksMultiplexed(buf: Buffer): boolean {
  if (buf.length < 8) return false;
  return buf[0]! <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
}
