/** One line of a diff: in both texts, only in the first (removed) or only in the second (added). */
export type DiffLine = { kind: "same" | "removed" | "added"; text: string };

/** Beyond this many lines on either side a diff is not worth its quadratic table. */
export const MAX_DIFF_LINES = 2000;

/**
 * The lines of `a` and `b` as a shortest edit (longest common subsequence), in order; null when
 * either has more than MAX_DIFF_LINES lines. Pure: the send page's diff runs it in the browser.
 */
export function diffLines(a: string, b: string): DiffLine[] | null {
  const left = a.split("\n");
  const right = b.split("\n");
  if (left.length > MAX_DIFF_LINES || right.length > MAX_DIFF_LINES) return null;
  const n = left.length;
  const m = right.length;
  // common[i][j]: the longest common subsequence of left[i..] and right[j..], one row at a time.
  const common = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      common[i][j] = left[i] === right[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (left[i] === right[j]) {
      lines.push({ kind: "same", text: left[i] });
      i++;
      j++;
    } else if (common[i + 1][j] >= common[i][j + 1]) {
      lines.push({ kind: "removed", text: left[i++] });
    } else {
      lines.push({ kind: "added", text: right[j++] });
    }
  }
  while (i < n) lines.push({ kind: "removed", text: left[i++] });
  while (j < m) lines.push({ kind: "added", text: right[j++] });
  return lines;
}

/** A JSON text pretty-printed with two spaces, or the text as it is when it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
