/** A growable list of numbers (milliseconds, usually) with exact percentiles. */
export class Samples {
  private data = new Float64Array(4096);
  private count = 0;
  private sorted: Float64Array | undefined;

  add(value: number): void {
    if (this.count === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.count++] = value;
    this.sorted = undefined;
  }

  /** Adds every value of `values` (another thread's samples, say). */
  addAll(values: Float64Array): void {
    for (const value of values) this.add(value);
  }

  /** A copy of the samples, in the order added. */
  values(): Float64Array {
    return this.data.slice(0, this.count);
  }

  get length(): number {
    return this.count;
  }

  /**
   * The p-th percentile (0–100), nearest rank. `missing` samples that never
   * arrived count as infinitely late, so a lossy or backlogged run cannot
   * report a good tail.
   */
  percentile(p: number, missing = 0): number {
    const total = this.count + missing;
    if (total === 0) return Number.NaN;
    const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
    if (rank > this.count) return Number.POSITIVE_INFINITY;
    this.sorted ??= this.data.slice(0, this.count).sort();
    return this.sorted[rank - 1] as number;
  }

  mean(): number {
    let sum = 0;
    for (let i = 0; i < this.count; i++) sum += this.data[i] as number;
    return this.count === 0 ? Number.NaN : sum / this.count;
  }
}

/** Percentiles of a latency distribution, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  /** Expected samples that never arrived (counted as infinitely late in the percentiles). */
  readonly missing: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export function summarize(samples: Samples, missing = 0): LatencySummary {
  return {
    count: samples.length,
    missing,
    p50: samples.percentile(50, missing),
    p95: samples.percentile(95, missing),
    p99: samples.percentile(99, missing),
    max: samples.percentile(100, missing),
  };
}
