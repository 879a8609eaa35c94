import type { Orm } from '../db';
import { onPreparedStatement } from './prepared';

/**
 * Counts SQL statements sent through the ORM's connection (ORM queries and
 * raw ones alike, and the prepared statements of src/lib/prepared.ts), for tests and benchmarks that assert "no N+1".
 */
export function countStatements(orm: Orm) {
  const conn = orm.em.getConnection();
  const original = conn.execute.bind(conn);
  const counter = {
    count: 0,
    statements: [] as string[],
    reset() {
      counter.count = 0;
      counter.statements = [];
    },
    restore() {
      conn.execute = original;
      unlisten();
    },
  };
  const unlisten = onPreparedStatement(orm.em, (sql) => {
    counter.count += 1;
    counter.statements.push(sql);
  });
  conn.execute = ((query: unknown, ...rest: unknown[]) => {
    counter.count += 1;
    counter.statements.push(typeof query === 'string' ? query : String(query));
    return (original as (...args: unknown[]) => unknown)(query, ...rest);
  }) as typeof conn.execute;
  return counter;
}
