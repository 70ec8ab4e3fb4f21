import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics.js";

describe("metric names", () => {
  it("all start with tandem_ once, and the process metrics keep prom-client's own names after it", async () => {
    const { registry } = createMetrics(
      () => 0,
      () => 0,
    );
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(name).toMatch(/^tandem_(?!tandem_|process_process_|process_nodejs_)[a-z0-9_]+$/);
    expect(names).toEqual(
      expect.arrayContaining([
        "tandem_process_cpu_user_seconds_total",
        "tandem_process_resident_memory_bytes",
        "tandem_nodejs_eventloop_lag_seconds",
        "tandem_nodejs_heap_size_used_bytes",
        "tandem_connections",
      ]),
    );
  });
});

describe("counters of the hot path", () => {
  it("report their totals at every scrape, neither reset nor counted twice", async () => {
    const metrics = createMetrics(
      () => 0,
      () => 0,
    );
    const scrape = async (name: string) => (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value;
    metrics.bytesOut.inc(5);
    metrics.bytesOut.inc(7);
    metrics.messagesOut.inc();
    metrics.appendsInFlight.inc();
    metrics.appendsInFlight.inc();
    metrics.appendsInFlight.dec();
    expect(await scrape("tandem_bytes_out_total")).toBe(12);
    expect(await scrape("tandem_bytes_out_total")).toBe(12);
    expect(await scrape("tandem_messages_out_total")).toBe(1);
    expect(await scrape("tandem_appends_in_flight")).toBe(1);
    metrics.bytesOut.inc(1);
    expect(await metrics.registry.metrics()).toContain("\ntandem_bytes_out_total 13\n");
  });
});
