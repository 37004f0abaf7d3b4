/** A cached GET response: replayed when GitHub answers 304 to its ETag (304s do not count against the rate limit). */
export interface CachedResponse {
  etag: string;
  status: number;
  url: string;
  headers: Record<string, unknown>;
  data: unknown;
}

/** Keyed by the full request URL (path and query); least recently used entries go first when full. */
export class EtagCache {
  private readonly map = new Map<string, CachedResponse>();

  constructor(private readonly maxEntries = 5000) {}

  get(key: string): CachedResponse | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, v: CachedResponse): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }
}
