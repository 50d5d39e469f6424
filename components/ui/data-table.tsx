/**
 * A console table: a header row, one row per item, and a sentence in its place when there are no
 * items. `children` draws the cells of one row; `rowTestId` names every row for the journeys.
 */
export function DataTable<Row>({
  headers,
  rows,
  rowKey,
  rowTestId,
  empty,
  children,
}: {
  headers: readonly React.ReactNode[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  rowTestId?: string;
  empty: string;
  children: (row: Row, index: number) => React.ReactNode;
}) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          {headers.map((header, i) => (
            <th key={i}>{header}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={rowKey(row)} data-testid={rowTestId}>
            {children(row, i)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
