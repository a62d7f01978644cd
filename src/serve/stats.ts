/** Latency buckets of 0.05 ms up to 5 s: quantiles to that resolution without keeping every request. */
const BUCKET_MS = 0.05;
const BUCKETS = 100_000;

/** Request counts and a latency histogram; workers send theirs to the primary, which adds them up. */
export class ServeStats {
  requests = 0;
  errors = 0;
  predictions = 0;
  readonly latency = new Uint32Array(BUCKETS);

  record(ms: number, status: number, predictions: number): void {
    this.requests++;
    if (status >= 400) this.errors++;
    this.predictions += predictions;
    this.latency[Math.min(BUCKETS - 1, Math.floor(ms / BUCKET_MS))]!++;
  }

  /** The latency quantile q in milliseconds (upper edge of its bucket); NaN before any request. */
  quantile(q: number): number {
    const total = this.latency.reduce((a, c) => a + c, 0);
    if (total === 0) return NaN;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.latency[b]!;
      if (seen >= rank) return (b + 1) * BUCKET_MS;
    }
    return BUCKETS * BUCKET_MS;
  }

  /** A compact copy for another process: counts and the non-empty buckets as [bucket, count] pairs. */
  snapshot(): StatsSnapshot {
    const buckets: number[] = [];
    for (let b = 0; b < BUCKETS; b++) if (this.latency[b]) buckets.push(b, this.latency[b]!);
    return { requests: this.requests, errors: this.errors, predictions: this.predictions, buckets };
  }

  /** Replaces this object's figures with the sum of snapshots (one per worker). */
  static sum(snapshots: readonly StatsSnapshot[]): ServeStats {
    const s = new ServeStats();
    for (const x of snapshots) {
      s.requests += x.requests;
      s.errors += x.errors;
      s.predictions += x.predictions;
      for (let k = 0; k < x.buckets.length; k += 2) s.latency[x.buckets[k]!]! += x.buckets[k + 1]!;
    }
    return s;
  }

  metrics(): Record<string, number> {
    const m: Record<string, number> = { requests: this.requests, errors: this.errors, predictions: this.predictions };
    if (this.requests > 0) Object.assign(m, { latency_p50_ms: this.quantile(0.5), latency_p95_ms: this.quantile(0.95), latency_p99_ms: this.quantile(0.99) });
    return m;
  }
}

export interface StatsSnapshot {
  readonly requests: number;
  readonly errors: number;
  readonly predictions: number;
  readonly buckets: readonly number[];
}
