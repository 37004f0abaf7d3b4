// Per-route fault rules: error rate (500/502/503), added latency, secondary rate limits.
export interface FaultRule {
  /** `METHOD template` as in the counters (e.g. `GET /repos/{owner}/{repo}/actions/runners`), or `*`. */
  route?: string;
  /** Probability 0..1 of answering with `status` instead of the real response. */
  errorRate?: number;
  status?: 500 | 502 | 503;
  latencyMs?: number;
  /** Answer with GitHub's secondary rate limit (403 + retry-after) with this probability. */
  secondaryRateLimit?: { rate: number; retryAfterSec: number };
  /** Apply to the next N matching requests only, then the rule is spent. */
  count?: number;
}

export function rulesFor(rules: FaultRule[], routeKey: string): FaultRule[] {
  return rules.filter((r) => (r.route ?? '*') === '*' || r.route === routeKey);
}

/** Uses up one application of each counted rule; spent rules drop out. */
export function consume(rules: FaultRule[], used: FaultRule[]): FaultRule[] {
  for (const r of used) if (r.count != null) r.count--;
  return rules.filter((r) => r.count == null || r.count > 0);
}
