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
  // MikroORM's escapes and PostgreSQL's jsonb operators would mean something else here.
  if (/\?\?|\\\?|\?[|&]/.test(sql)) throw new Error('executePrepared: the SQL holds a ?? \\? ?| or ?& that is not a placeholder');
  // Left to right, each string literal whole: a ? inside one would be bound on MikroORM's path too.
  let count = 0;
  const text = sql.replace(/'(?:[^']|'')*'|\?/g, (token) => {
    if (token === '?') return `$${++count}`;
    if (token.includes('?')) throw new Error('executePrepared: the SQL holds a ? inside a string literal');
    return token;
  });
  return { text, count };
}

/**
 * Per pg client: names PostgreSQL still holds although pg has forgotten
 * them, because their DEALLOCATE was refused (it went out inside a
 * transaction an error had aborted). Deallocated before the client's next
 * prepared statement, which would otherwise meet "already exists".
 */
const undeallocated = new WeakMap<object, Set<string>>();

/**
 * Drops a prepared statement from the connection: pg forgets the name at
 * once, and DEALLOCATE goes out before the next statement on that client
 * without being waited for. Where it is refused, the name is kept for
 * `deallocateLeftovers`.
 */
function forget(connection: PgClient, name: string): void {
  if (!connection.connection.parsedStatements[name]) return;
  delete connection.connection.parsedStatements[name];
  connection.query(`deallocate ${connection.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
    if (err.code === '26000') return; // not there: nothing left to drop
    let names = undeallocated.get(connection);
    if (!names) undeallocated.set(connection, (names = new Set()));
    names.add(name);
  });
}

/** The refused DEALLOCATEs of this client, again; throws while its transaction is still aborted. */
async function deallocateLeftovers(connection: PgClient): Promise<void> {
  const names = undeallocated.get(connection);
  if (!names?.size) return;
  for (const name of [...names]) {
    await connection.query(`deallocate ${connection.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
      if (err.code !== '26000') throw err;
    });
    names.delete(name);
  }
}

/**
 * Runs `sql` (with `?` placeholders for `params`) as a named prepared
 * statement on the request's connection (its transaction's, inside one)
 * and returns the rows; on PGlite, through MikroORM as usual.
 */
export async function executePrepared<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const conn = em.getConnection();
  const trx = em.getTransactionContext<{ client: KnexClient; isCompleted?: () => boolean }>();
  if (!(conn instanceof PostgreSqlConnection)) return conn.execute<T[]>(sql, params, 'all', trx);
  // knex checks this on its own path: a finished transaction's connection is back in the pool.
  if (trx?.isCompleted?.()) throw new Error('executePrepared: the transaction has already ended');
  for (const listener of listeners.get(conn) ?? []) listener(sql);
  const { text, count } = numbered(sql);
  if (count !== params.length) throw new Error(`executePrepared: ${count} placeholders for ${params.length} values`);
  const name = `twx_${createHash('sha1').update(text).digest('base64url')}`;
  const client: KnexClient = trx ? trx.client : (conn.getKnex().client as KnexClient);
  const connection = await client.acquireConnection();
  try {
    if (!isPgClient(connection)) throw new Error('executePrepared: the pooled connection is not a pg client');
    await deallocateLeftovers(connection);
    let prepared = preparedOn.get(connection);
    if (!prepared) preparedOn.set(connection, (prepared = new Map()));
    prepared.delete(name);
    prepared.set(name, true);
    if (prepared.size > PREPARED_PER_CONNECTION) {
      const [oldest] = prepared.keys();
      prepared.delete(oldest!);
      forget(connection, oldest!);
    }
    try {
      return (await connection.query({ name, text, values: params })).rows as T[];
    } catch (err) {
      // A table the statement reads changed shape (a migration by another instance, say): PostgreSQL
      // refuses the saved statement for good. Prepare it anew; inside a transaction, which the
      // error has aborted, only the next attempt can (DEALLOCATE is refused until the rollback, and
      // goes out again before this client's next prepared statement).
      if ((err as { code?: string }).code !== '0A000' || !/cached plan must not change result type/.test(String((err as Error).message))) throw err;
      forget(connection, name);
      if (trx) throw err;
      return (await connection.query({ name, text, values: params })).rows as T[];
    }
  } finally {
    await client.releaseConnection(connection);
  }
}
