import { REASONS, type Reason } from "../webhook/reasons";

/**
 * One fixed color per reason, so a reason looks the same on every chart, range and filter.
 * Typed against the reason table: a reason added there fails to compile here until it has one.
 */
export const REASON_COLORS = {
  could_not_connect: "#d92d20",
  request_timeout: "#f79009",
  error_status_code: "#6941c6",
  unclassified: "#667085",
} as const satisfies Record<Reason, string>;

/** The reasons in the table's order: the stacking order of the chart and the order of the legend. */
export const REASON_ORDER = Object.keys(REASONS) as Reason[];
