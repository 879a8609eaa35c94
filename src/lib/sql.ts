/** `?, ?, ?` for a list of bound values; `null` for an empty list, so `in (null)` matches nothing. */
export function placeholders(values: readonly unknown[]): string {
  return values.length ? values.map(() => '?').join(', ') : 'null';
}

/**
 * `column = any(?::int[])` for ids the server holds itself (the viewer's
 * roles), the ids bound as one array parameter pushed onto `params`, so the
 * text of a statement does not depend on who asks (prepared statements are
 * shared between callers); `false` when there are none.
 */
export function idsParam(column: string, ids: Iterable<number>, params: unknown[]): string {
  const list = [...ids].map((n) => Math.trunc(n));
  if (!list.length) return 'false';
  params.push(`{${list.join(',')}}`);
  return `${column} = any(?::int[])`;
}

/**
 * `column in (1, 2, 3)` for ids the server holds itself (the viewer's roles),
 * written into the SQL as integers; `false` when there are none.
 */
export function idsInSql(column: string, ids: Iterable<number>): string {
  const list = [...ids].map((n) => Math.trunc(n));
  return list.length ? `${column} in (${list.join(', ')})` : 'false';
}
