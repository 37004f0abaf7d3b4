/**
 * Kubernetes-style events per pool: what happened, how often, first and last seen. Repeats of the same
 * (type, reason, message) bump a count instead of adding a line, and each pool keeps a bounded ring, so a
 * crash-looping pool cannot grow memory. `now` is always passed in.
 */
import { redactString } from '../pkg/log/redact.js';

export const EventType = { Normal: 'Normal', Warning: 'Warning' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export interface PoolEvent {
  type: EventType;
  /** CamelCase, machine-friendly: `RunnerCreated`, `BreakerOpened`, `ScaleDownSkipped` */
  reason: string;
  message: string;
  count: number;
  /** epoch ms */
  firstSeen: number;
  /** epoch ms */
  lastSeen: number;
}

export interface EventRecorder {
  record(pool: string, type: EventType, reason: string, message: string, now: number): PoolEvent;
  /** Oldest first by last occurrence; copies, safe to hand to the API. */
  list(pool: string): PoolEvent[];
  /** Forget a pool removed from the spec. */
  forget(pool: string): void;
  pools(): string[];
}

export const DEFAULT_EVENTS_PER_POOL = 100;

export function createEventRecorder(capacity: number = DEFAULT_EVENTS_PER_POOL): EventRecorder {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`event capacity must be a positive integer, got ${capacity}`);
  // Per pool: key -> event, in insertion order of last occurrence (a bump moves the key to the end).
  const byPool = new Map<string, Map<string, PoolEvent>>();
  const keyOf = (type: string, reason: string, message: string): string => JSON.stringify([type, reason, message]);

  return {
    record(pool, type, reason, rawMessage, now) {
      // Events are served by the API: scrub before storing, so no reader can see a credential.
      const message = redactString(rawMessage);
      let ring = byPool.get(pool);
      if (!ring) byPool.set(pool, (ring = new Map()));
      const key = keyOf(type, reason, message);
      const prior = ring.get(key);
      const event: PoolEvent = prior
        ? { ...prior, count: prior.count + 1, lastSeen: Math.max(prior.lastSeen, now) }
        : { type, reason, message, count: 1, firstSeen: now, lastSeen: now };
      ring.delete(key);
      ring.set(key, event);
      // Evict the least recently seen.
      while (ring.size > capacity) ring.delete(ring.keys().next().value as string);
      return { ...event };
    },
    list(pool) {
      return [...(byPool.get(pool)?.values() ?? [])].map((e) => ({ ...e }));
    },
    forget(pool) {
      byPool.delete(pool);
    },
    pools() {
      return [...byPool.keys()];
    },
  };
}
