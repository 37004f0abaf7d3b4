// workflow_job deliveries to configured URLs, signed like GitHub's, with drop/duplicate/delay/reorder faults.
import { randomUUID } from 'node:crypto';
import { signPayload } from './signature.js';

export interface WebhookTarget { url: string; secret: string }
export interface WebhookFaults {
  /** Probability 0..1 that a delivery is dropped. */
  drop?: number;
  /** Probability 0..1 that a delivery is sent twice (same delivery id, as GitHub redeliveries are). */
  duplicate?: number;
  delayMs?: number;
  /** Deliveries are buffered for `delayMs` (or 50 ms) and sent newest first. */
  reorder?: boolean;
  /** Every delivery about these job ids is dropped. */
  dropJobIds?: number[];
}
export interface WebhookCounters { sent: number; failed: number; dropped: number; duplicated: number }

export class WebhookSender {
  faults: WebhookFaults = {};
  counters: WebhookCounters = { sent: 0, failed: 0, dropped: 0, duplicated: 0 };
  private buffer: Array<() => Promise<void>> = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private inflight = new Set<Promise<void>>();

  constructor(private readonly targets: WebhookTarget[], private readonly random: () => number) {}

  emit(event: string, jobId: number, payload: object, targetKind: { type: string; id: number }): void {
    const body = JSON.stringify(payload);
    this.targets.forEach((t, i) => {
      if (this.faults.dropJobIds?.includes(jobId) || this.random() < (this.faults.drop ?? 0)) {
        this.counters.dropped++;
        return;
      }
      const delivery = randomUUID();
      const send = () => this.post(t, 100000 + i, delivery, event, body, targetKind);
      const copies = this.random() < (this.faults.duplicate ?? 0) ? 2 : 1;
      if (copies === 2) this.counters.duplicated++;
      for (let c = 0; c < copies; c++) this.schedule(send);
    });
  }

  private schedule(send: () => Promise<void>): void {
    const delay = this.faults.delayMs ?? 0;
    if (this.faults.reorder) {
      this.buffer.push(send);
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = null;
        const batch = this.buffer.reverse();
        this.buffer = [];
        void batch.reduce((p, s) => p.then(s), Promise.resolve());
      }, delay || 50);
      return;
    }
    if (delay > 0) setTimeout(() => this.track(send()), delay);
    else this.track(send());
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async post(t: WebhookTarget, hookId: number, delivery: string, event: string, body: string,
    target: { type: string; id: number }): Promise<void> {
    try {
      const res = await fetch(t.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json', 'user-agent': 'GitHub-Hookshot/sim', 'x-github-event': event,
          'x-github-delivery': delivery, 'x-github-hook-id': String(hookId),
          'x-github-hook-installation-target-type': target.type, 'x-github-hook-installation-target-id': String(target.id),
          'x-hub-signature-256': signPayload(t.secret, body),
        },
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.ok) this.counters.sent++; else this.counters.failed++;
    } catch {
      this.counters.failed++;
    }
  }

  reset(): void {
    this.faults = {};
    this.counters = { sent: 0, failed: 0, dropped: 0, duplicated: 0 };
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await Promise.allSettled([...this.inflight]);
  }
}
