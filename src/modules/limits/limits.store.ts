/** A caller's budget window after a charge. */
export type ChargeResult = {
  /** False when the cost did not fit in what is left; nothing was charged then. */
  allowed: boolean;
  /** Cost spent in the current window, this charge included when allowed. */
  used: number;
  /** When the window ends and `used` drops to 0 (epoch milliseconds). */
  resetAt: number;
};

/**
 * Where the hourly budgets live. `charge` checks and charges in one step, so
 * a shared implementation (Redis with a Lua script) can do it atomically.
 */
export interface RateLimitStore {
  charge(key: string, cost: number, window: { budget: number; windowMs: number; now: number }): Promise<ChargeResult> | ChargeResult;
}

type Window = { windowStart: number; used: number };

/**
 * Budgets in process memory, as fixed windows: a key's window opens at its
 * first request and lasts windowMs; the next request after that opens a new
 * one. A charge that does not fit is refused whole and costs nothing.
 *
 * Memory stays bounded: a window that restarts is moved to the end of the
 * map, so the map stays ordered by start time and expired windows are swept
 * from its head on every charge (amortised O(1)). Beyond `maxKeys` live
 * windows the oldest is dropped, which gives that caller a fresh budget
 * early rather than letting a flood of new keys exhaust memory.
 */
export class InMemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly maxKeys = 100_000) {}

  /** Number of live windows (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  charge(key: string, cost: number, { budget, windowMs, now }: { budget: number; windowMs: number; now: number }): ChargeResult {
    this.sweep(now, windowMs);
    let window = this.windows.get(key);
    if (!window) {
      window = { windowStart: now, used: 0 };
      this.windows.set(key, window);
      if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    }
    const resetAt = window.windowStart + windowMs;
    if (window.used + cost > budget) return { allowed: false, used: window.used, resetAt };
    window.used += cost;
    return { allowed: true, used: window.used, resetAt };
  }

  private sweep(now: number, windowMs: number) {
    for (const [key, window] of this.windows) {
      if (now < window.windowStart + windowMs) break;
      this.windows.delete(key);
    }
  }
}
