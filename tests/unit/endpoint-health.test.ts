import { describe, expect, test } from "vitest";
import { outageWindows, percentile } from "@/lib/console/endpoint-health";

const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 3, 0, s));
const ok = (s: number) => ({ startedAt: at(s), success: true, reason: null, detail: null });
const fail = (s: number, reason = "error_status_code", detail = "500") => ({ startedAt: at(s), success: false, reason, detail });

describe("outage windows", () => {
  test("run from the first failure to the next success; one still going has no recovery", () => {
    const windows = outageWindows([ok(0), fail(1), fail(2, "request_timeout", "Request timeout"), fail(3), ok(4), ok(5), fail(6)]);
    expect(windows).toEqual([
      {
        from: at(1),
        recoveredAt: at(4),
        failures: 3,
        byFailure: [
          { reason: "error_status_code", detail: "500", count: 2 },
          { reason: "request_timeout", detail: "Request timeout", count: 1 },
        ],
      },
      { from: at(6), recoveredAt: null, failures: 1, byFailure: [{ reason: "error_status_code", detail: "500", count: 1 }] },
    ]);
    expect(outageWindows([ok(0), ok(1)])).toEqual([]);
  });

  test("percentiles by the nearest rank", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 0.5), percentile(sorted, 0.95), percentile(sorted, 0.99)]).toEqual([50, 95, 99]);
    expect(percentile([7], 0.99)).toBe(7);
  });
});
