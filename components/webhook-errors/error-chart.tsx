"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TooltipContentProps } from "recharts";
import { BUCKET_MS, chooseTicks, formatBucketRange, formatBucketTick } from "@/lib/statistics/buckets";
import type { ChartBucket, ErrorChart as ErrorChartData } from "@/lib/statistics/chart";
import { REASON_COLORS, REASON_ORDER } from "@/lib/statistics/reason-colors";
import type { Reason } from "@/lib/webhook/reasons";
import { sendsBehindErrors } from "@/lib/console/delivery-log-search";

type Row = { mid: number; bucket: ChartBucket } & Partial<Record<Reason, number | null>>;

function BucketTooltip({ active, label, rows, unit }: Pick<TooltipContentProps, "active" | "label"> & {
  rows: Map<number, Row>;
  unit: ErrorChartData["unit"];
}) {
  const t = useTranslations("we");
  const format = useFormatter();
  const row = active && typeof label === "number" ? rows.get(label) : undefined;
  if (!row) return null;
  const { bucket } = row;
  const total = bucket.errors ? REASON_ORDER.reduce((sum, r) => sum + (bucket.errors?.[r] ?? 0), 0) : 0;
  return (
    <div className="we-tooltip">
      <div className="we-tooltip-title">{formatBucketRange(bucket.start, unit)} (UTC+9)</div>
      {bucket.coverage === "none" ? (
        <div className="muted">{t("tooltipNotAggregated")}</div>
      ) : (
        <>
          <div className="we-tooltip-total">
            {t("tooltipTotal", { n: total })}
          </div>
          {REASON_ORDER.filter((r) => (bucket.errors?.[r] ?? 0) > 0).map((reason) => (
            <div key={reason} className="we-tooltip-reason">
              <div className="we-tooltip-line">
                <span className="we-swatch" style={{ background: REASON_COLORS[reason] }} />
                <span className="mono">{reason}</span>
                <span className="we-tooltip-count">{format.number(bucket.errors?.[reason] ?? 0)}</span>
              </div>
              {bucket.details
                .filter((d) => d.reason === reason)
                .map((d) => (
                  <div key={d.detail} className="we-tooltip-line we-tooltip-detail">
                    <span>{d.detail}</span>
                    <span className="we-tooltip-count">{format.number(d.errors)}</span>
                  </div>
                ))}
            </div>
          ))}
          {bucket.coverage === "partial" && <div className="muted small">{t("tooltipPartial")}</div>}
        </>
      )}
    </div>
  );
}

/**
 * Errors per UTC+9 bucket, stacked by reason in the reasons' fixed colors, with the stretches when
 * aggregation was off shaded and labelled rather than drawn as zeros. Every time is formatted in
 * UTC+9 by lib/statistics, never in the browser's zone. A bar's segment opens the sends behind it
 * in the Delivery log (`logPath`): that reason, the view's detail, that bucket.
 */
export function ErrorChart({ chart, logPath, detail }: { chart: ErrorChartData; logPath: string; detail: string | null }) {
  const t = useTranslations("we");
  const router = useRouter();
  const size = BUCKET_MS[chart.unit];
  const rows: Row[] = chart.buckets.map((bucket) => ({
    mid: bucket.start + size / 2,
    bucket,
    ...Object.fromEntries(REASON_ORDER.map((r) => [r, bucket.errors ? bucket.errors[r] || null : null])),
  }));
  const byMid = new Map(rows.map((r) => [r.mid, r]));
  const first = chart.buckets[0]?.start ?? chart.from;
  const last = chart.buckets.at(-1)?.end ?? chart.to;
  const span = last - first;
  const ticks = chooseTicks(chart.buckets.map((b) => b.start), chart.unit);
  const shown = REASON_ORDER.filter((r) => chart.totals[r] > 0);

  return (
    <div className="we-chart" role="img" aria-label={t("chartAria", { unit: chart.unit })}>
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} barCategoryGap="12%">
          <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
          <XAxis
            dataKey="mid"
            type="number"
            domain={[first, last]}
            ticks={ticks}
            tickFormatter={(value: number) => formatBucketTick(value, chart.unit)}
            allowDataOverflow
            tick={{ fontSize: 11, fill: "var(--chart-tick)" }}
            tickLine={false}
            axisLine={{ stroke: "var(--chart-axis)" }}
          />
          <YAxis allowDecimals={false} width={52} tick={{ fontSize: 11, fill: "var(--chart-tick)" }} tickLine={false} axisLine={false} />
          {chart.notKept.map((gap) => (
            <ReferenceArea
              key={`kept-${gap.start}`}
              x1={gap.start}
              x2={gap.end}
              ifOverflow="hidden"
              zIndex={350}
              fill="var(--chart-off)"
              fillOpacity={0.8}
              label={
                (gap.end - gap.start) / span > 0.08
                  ? { value: t("notKept"), position: "insideTop", fill: "var(--chart-off-label)", fontSize: 11 }
                  : undefined
              }
            />
          ))}
          {chart.notAggregated.map((gap) => (
            <ReferenceArea
              key={gap.start}
              x1={gap.start}
              x2={gap.end}
              ifOverflow="hidden"
              // Over the bars: a bucket aggregated only in part shows which part was off.
              zIndex={350}
              fill="var(--chart-off)"
              fillOpacity={0.8}
              label={
                (gap.end - gap.start) / span > 0.08
                  ? { value: t("notAggregated"), position: "insideTop", fill: "var(--chart-off-label)", fontSize: 11 }
                  : undefined
              }
            />
          ))}
          <Tooltip
            content={(props) => <BucketTooltip active={props.active} label={props.label} rows={byMid} unit={chart.unit} />}
            cursor={{ fill: "var(--chart-cursor)" }}
            isAnimationActive={false}
          />
          {shown.map((reason) => (
            <Bar
              key={reason}
              dataKey={reason}
              name={reason}
              stackId="errors"
              fill={REASON_COLORS[reason]}
              isAnimationActive={false}
              cursor="pointer"
              onClick={(_, index) => {
                const bucket = rows[index]?.bucket;
                if (bucket) router.push(`${logPath}${sendsBehindErrors({ reason, detail }, bucket.start, bucket.end - 1)}`);
              }}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
