/**
 * Rows as aligned columns for a terminal, two spaces apart: text columns left-aligned, figures
 * right-aligned, no trailing spaces.
 */
export function textTable(rows: readonly (readonly string[])[], isText: (column: number) => boolean): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (isText(column) ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
