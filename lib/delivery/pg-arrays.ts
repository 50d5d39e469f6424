/** A value of a column sent to PostgreSQL as one element of an array parameter. */
export type ArrayElement = string | number | boolean | null;

/** Characters JSON writes as escapes that a PostgreSQL array literal would read differently. */
const CONTROL = /[\u0000-\u001f]/;

/**
 * A column's values as a PostgreSQL array literal (`{"a","b\"c",NULL,1.5,true}`), for one
 * parameter of a multi-row statement (`unnest($1::text[], …)`).
 *
 * JSON.stringify writes it in one native pass: inside double quotes both JSON and PostgreSQL's
 * array syntax escape `"` and `\` with a backslash, and JSON's `null`, numbers and `true`/`false`
 * read as PostgreSQL's NULL, numbers and booleans. node-postgres would escape each element with
 * two regular expressions and join the results, which costs several times as much CPU and
 * garbage for a batch of event bodies. The other escapes JSON writes (control characters, lone
 * surrogates) and what it cannot write (NaN, infinities) mean something else to PostgreSQL: a
 * column holding any of them is given to node-postgres as the array itself.
 */
export function pgArray<T extends ArrayElement>(values: readonly T[]): string | readonly T[] {
  for (const value of values) {
    if (typeof value === "string" ? CONTROL.test(value) || !value.isWellFormed() : typeof value === "number" && !Number.isFinite(value)) {
      return values;
    }
  }
  const json = JSON.stringify(values);
  return `{${json.slice(1, -1)}}`;
}
