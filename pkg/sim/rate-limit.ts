// Per-token hourly budgets, really enforced: each charged request spends one; the window resets an hour after first use.
export interface Budget { limit: number; remaining: number; resetAt: number; used: number }

export class Budgets {
  private byToken = new Map<string, Budget>();
  private override: { remaining: number; resetAt: number } | null = null;

  constructor(private limit: number, private readonly clock: () => number) {}

  peek(token: string): Budget {
    const now = this.clock();
    let b = this.byToken.get(token);
    if (!b || now >= b.resetAt) {
      b = { limit: this.limit, remaining: this.limit, resetAt: now + 3_600_000, used: 0 };
      if (this.override && this.override.resetAt > now) { b.remaining = this.override.remaining; b.used = this.limit - b.remaining; b.resetAt = this.override.resetAt; }
      this.byToken.set(token, b);
    }
    return b;
  }

  charge(token: string): Budget {
    const b = this.peek(token);
    if (b.remaining > 0) { b.remaining--; b.used++; }
    return b;
  }

  /** Control: every token's window now has `remaining` left until `resetAt` (epoch ms). */
  set(remaining: number, resetAt: number): void {
    this.byToken.clear();
    this.override = { remaining, resetAt };
    // Once that window is over, fresh windows are full again.
    setTimeout(() => { if (this.override?.resetAt === resetAt) this.override = null; }, Math.max(0, resetAt - this.clock())).unref();
  }

  reset(limit?: number): void { this.byToken.clear(); this.override = null; if (limit != null) this.limit = limit; }
}
