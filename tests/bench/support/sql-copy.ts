// Copies of a few template rows, made by the database itself (INSERT … SELECT over a counter), on SQLite and on
// PostgreSQL alike: thousands of orders in a fraction of a second, where the client's createMany needs seconds
// per thousand. The templates are written through the shop's own code or its Prisma client, so every column the
// copies do not override is a value the shop itself wrote (enums, dates, JSON), whatever the schema holds by then.

type RawClient = {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
};

const columnsCache = new Map<string, string[]>();

/** The table's columns, in order. */
export async function tableColumns(db: RawClient, provider: "sqlite" | "postgresql", table: string): Promise<string[]> {
  const cached = columnsCache.get(table);
  if (cached) return cached;
  const rows =
    provider === "sqlite"
      ? await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info('${table}')`)
      : await db.$queryRawUnsafe<{ name: string }[]>(
          "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
          table,
        );
  const columns = rows.map((row) => row.name);
  if (columns.length === 0) throw new Error(`no table "${table}"`);
  columnsCache.set(table, columns);
  return columns;
}

/** A number as SQL text: `CAST(<expression> AS TEXT)` reads the same on both databases. */
export const asText = (expression: string) => `CAST(${expression} AS TEXT)`;

/**
 * For each row of `table` matching `where` (an SQL condition on the template row `t`), `count` copies: every column
 * as in the template but those in `overrides`, SQL expressions that may use `g.n` (1 … count) and `t."column"`.
 * Returns the rows written.
 */
export async function copyRows(
  db: RawClient,
  provider: "sqlite" | "postgresql",
  copy: { table: string; where: string; count: number; overrides: Record<string, string> },
): Promise<number> {
  const columns = await tableColumns(db, provider, copy.table);
  for (const column of Object.keys(copy.overrides)) {
    if (!columns.includes(column)) throw new Error(`"${copy.table}" has no column "${column}"`);
  }
  const values = columns.map((column) => copy.overrides[column] ?? `t."${column}"`);
  if (!Number.isInteger(copy.count) || copy.count < 1) throw new Error(`cannot make ${copy.count} copies`);
  return db.$executeRawUnsafe(
    `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${copy.count})
     INSERT INTO "${copy.table}" (${columns.map((column) => `"${column}"`).join(", ")})
     SELECT ${values.join(", ")} FROM "${copy.table}" t CROSS JOIN g WHERE ${copy.where}`,
  );
}
