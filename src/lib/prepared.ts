import { createHash } from 'node:crypto';
import { PostgreSqlConnection, type EntityManager } from '@mikro-orm/postgresql';

/**
 * Named prepared statements for the hot read statements on PostgreSQL.
 *
 * MikroORM writes bound values into the SQL text and sends it with the
 * simple protocol, so PostgreSQL parses and plans every statement anew. For
 * the compiled reads (one statement for a whole query tree) planning costs
 * more than running: 5× the throughput in pgbench with `-M prepared` for
 * scenario 4's statement. So these statements go to the pg client as a
 * named statement (the name is a hash of the text, so one text is prepared
 * once per connection and then only executed, and PostgreSQL may reuse its
 * plan), the way PostGraphile runs its own.
 *
 * Each pooled connection keeps at most PREPARED_PER_CONNECTION statements,
 * least recently used first out (DEALLOCATE), since the text varies with
 * the selection and, through visibility rules, with the caller. PGlite (a
 * single in-process connection without a pg client) takes the usual path.
 */
export const PREPARED_PER_CONNECTION = 100;

/** What the pg client of a pooled connection offers here (pg's Client). */
type PgClient = {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
  query(text: string): Promise<unknown>;
  escapeIdentifier(name: string): string;
  connection: { parsedStatements: Record<string, string> };
};

type KnexClient = { acquireConnection(): Promise<unknown>; releaseConnection(connection: unknown): Promise<unknown> };

/** Per pg client: the prepared names, least recently used first (a Map keeps insertion order). */
const preparedOn = new WeakMap<object, Map<string, true>>();

/** Called with each statement `executePrepared` sends past MikroORM (for the statement counter of tests). */
type Listener = (sql: string) => void;
const listeners = new WeakMap<object, Set<Listener>>();

export function onPreparedStatement(em: EntityManager, listener: Listener): () => void {
  const conn = em.getConnection();
  let set = listeners.get(conn);
  if (!set) listeners.set(conn, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

function isPgClient(connection: unknown): connection is PgClient {
  const c = connection as Partial<PgClient> | null;
  return !!c && typeof c.query === 'function' && typeof c.escapeIdentifier === 'function' && typeof c.connection?.parsedStatements === 'object';
}

/** `?` placeholders to `$1, $2, …`; the SQL is ours, with no `?` inside a literal or an identifier. */
function numbered(sql: string): { text: string; count: number } {
  let count = 0;
  const text = sql.replace(/\?/g, () => `$${++count}`);
  return { text, count };
}

/**
 * Runs `sql` (with `?` placeholders for `params`) as a named prepared
 * statement on the request's connection (its transaction's, inside one)
 * and returns the rows; on PGlite, through MikroORM as usual.
 */
export async function executePrepared<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const conn = em.getConnection();
  const trx = em.getTransactionContext<{ client: KnexClient }>();
  if (!(conn instanceof PostgreSqlConnection)) return conn.execute<T[]>(sql, params, 'all', trx);
  for (const listener of listeners.get(conn) ?? []) listener(sql);
  const client: KnexClient = trx ? trx.client : (conn.getKnex().client as KnexClient);
  const connection = await client.acquireConnection();
  try {
    if (!isPgClient(connection)) throw new Error('executePrepared: the pooled connection is not a pg client');
    const { text, count } = numbered(sql);
    if (count !== params.length) throw new Error(`executePrepared: ${count} placeholders for ${params.length} values`);
    const name = `twx_${createHash('sha1').update(text).digest('base64url')}`;
    let prepared = preparedOn.get(connection);
    if (!prepared) preparedOn.set(connection, (prepared = new Map()));
    prepared.delete(name);
    prepared.set(name, true);
    if (prepared.size > PREPARED_PER_CONNECTION) {
      const [oldest] = prepared.keys();
      prepared.delete(oldest!);
      // Queued on the same client before anything else it runs next; pg forgets the name once it is gone.
      if (connection.connection.parsedStatements[oldest!]) {
        await connection.query(`deallocate ${connection.escapeIdentifier(oldest!)}`);
        delete connection.connection.parsedStatements[oldest!];
      }
    }
    const result = await connection.query({ name, text, values: params });
    return result.rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
