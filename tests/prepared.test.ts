import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../src/db';
import { executePrepared, PREPARED_PER_CONNECTION } from '../src/lib/prepared';
import { createTestOrm } from './helpers/db';

/**
 * executePrepared runs the compiled reads as named prepared statements on
 * PostgreSQL (one plan per connection and text), at most
 * PREPARED_PER_CONNECTION per connection; on PGlite it goes through
 * MikroORM. Either way the rows are the same and a transaction's own
 * connection is the one used.
 */

const onPostgres = !!process.env.DATABASE_URL;
const pgOnly = onPostgres ? it : it.skip;

let orm: Orm;
beforeAll(async () => {
  orm = await createTestOrm();
});
afterAll(() => orm.close());

const em = () => orm.em.fork() as EntityManager;

/** The statements this session prepared through executePrepared, by text. */
async function preparedTexts(tx: EntityManager): Promise<string[]> {
  const rows = await tx.getConnection().execute<{ statement: string }[]>(
    `select statement from pg_prepared_statements where name like 'twx\\_%' order by prepare_time, statement`,
    [],
    'all',
    tx.getTransactionContext(),
  );
  return rows.map((r) => r.statement);
}

it('returns the rows MikroORM returns, json and numbers alike', async () => {
  const sql = `select n, n * ? as twice, json_build_object('n', n, 'tag', ?::text) as doc from generate_series(1, 3) n order by n`;
  const e = em();
  const prepared = await executePrepared<Record<string, unknown>>(e, sql, [2, 'x']);
  const plain = await e.getConnection().execute<Record<string, unknown>[]>(sql, [2, 'x']);
  expect(prepared).toEqual(plain);
  expect(prepared[2]).toEqual({ n: 3, twice: 6, doc: { n: 3, tag: 'x' } });
});

it("runs on a transaction's own connection, so it sees the transaction's writes", async () => {
  await em().transactional(async (tx) => {
    const conn = tx.getConnection();
    await conn.execute('create temp table prepared_probe (n int) on commit drop', [], 'run', tx.getTransactionContext());
    await conn.execute('insert into prepared_probe values (41), (42)', [], 'run', tx.getTransactionContext());
    const rows = await executePrepared<{ n: number }>(tx as EntityManager, 'select n from prepared_probe where n > ? order by n', [40]);
    expect(rows.map((r) => r.n)).toEqual([41, 42]);
  });
});

pgOnly('prepares each text once per connection and then only executes it', async () => {
  await em().transactional(async (tx) => {
    const e = tx as EntityManager;
    for (const id of [1, 2, 3]) await executePrepared(e, 'select ?::int as id, 1 as probe_once', [id]);
    expect((await preparedTexts(e)).filter((t) => t.includes('probe_once'))).toEqual(['select $1::int as id, 1 as probe_once']);
  });
});

pgOnly(`keeps at most ${PREPARED_PER_CONNECTION} statements per connection, dropping the least recently used`, async () => {
  await em().transactional(async (tx) => {
    const e = tx as EntityManager;
    const text = (k: number) => `select ?::int + ${k} as n`;
    for (let k = 0; k < PREPARED_PER_CONNECTION + 5; k += 1) {
      const [row] = await executePrepared<{ n: number }>(e, text(k), [1]);
      expect(row!.n).toBe(k + 1);
      // Statement 0 is used again and again, so it is never the least recently used.
      if (k > 0) await executePrepared(e, text(0), [1]);
    }
    const texts = await preparedTexts(e);
    expect(texts).toHaveLength(PREPARED_PER_CONNECTION);
    expect(texts).toContain('select $1::int + 0 as n');
    for (const k of [1, 2, 3, 4, 5]) expect(texts).not.toContain(`select $1::int + ${k} as n`);
    expect(texts).toContain(`select $1::int + ${PREPARED_PER_CONNECTION + 4} as n`);
    // A dropped statement is prepared again when it comes back.
    const [again] = await executePrepared<{ n: number }>(e, text(1), [1]);
    expect(again!.n).toBe(2);
    expect(await preparedTexts(e)).toContain('select $1::int + 1 as n');
  });
});

pgOnly('refuses a statement whose placeholders and values differ in number, or that holds ??, a jsonb ? operator or a ? in a literal', async () => {
  await expect(executePrepared(em(), 'select ?::int as a, ?::int as b', [1])).rejects.toThrow('2 placeholders for 1 values');
  await expect(executePrepared(em(), `select '{"a":1}'::jsonb ?| array['a'] as x, ?::int as n`, [1])).rejects.toThrow('not a placeholder');
  await expect(executePrepared(em(), 'select ?? as x', [1])).rejects.toThrow('not a placeholder');
  await expect(executePrepared(em(), `select 'what?' as q, ?::int as n`, [1])).rejects.toThrow('inside a string literal');
  expect(await executePrepared(em(), `select 'it''s' as q, ?::int as n, 'b' as b`, [1])).toEqual([{ q: "it's", n: 1, b: 'b' }]);
});

pgOnly('prepares a statement anew when a table it reads changes shape (a migration by another instance)', async () => {
  const conn = orm.em.getConnection();
  await conn.execute('create table prepared_shape (a int)');
  await conn.execute('insert into prepared_shape values (1)');
  const read = () => Promise.all(Array.from({ length: 20 }, () => executePrepared<Record<string, unknown>>(em(), 'select * from prepared_shape where a >= ?', [0])));
  // Twenty at once: every pooled connection prepares it.
  for (const rows of await read()) expect(rows).toEqual([{ a: 1 }]);
  await conn.execute('alter table prepared_shape add column b int not null default 2');
  for (const rows of await read()) expect(rows).toEqual([{ a: 1, b: 2 }]);
  for (const rows of await read()) expect(rows).toEqual([{ a: 1, b: 2 }]);
});

pgOnly('inside transactions too: the aborted one fails, the next ones on that connection prepare anew', async () => {
  const conn = orm.em.getConnection();
  await conn.execute('create table prepared_shape_trx (a int)');
  await conn.execute('insert into prepared_shape_trx values (1)');
  const sql = 'select * from prepared_shape_trx where a >= ?';
  const readInTransactions = () =>
    Promise.allSettled(Array.from({ length: 20 }, () => em().transactional((tx) => executePrepared<Record<string, unknown>>(tx as EntityManager, sql, [0]))));
  for (const r of await readInTransactions()) expect(r).toEqual({ status: 'fulfilled', value: [{ a: 1 }] });
  await conn.execute('alter table prepared_shape_trx add column b int not null default 2');
  // A transaction whose connection held the old statement is aborted by PostgreSQL: it fails, once.
  const first = await readInTransactions();
  const failed = first.filter((r) => r.status === 'rejected');
  expect(failed.length).toBeGreaterThan(0);
  for (const r of failed) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: '0A000' });
  for (const r of first) if (r.status === 'fulfilled') expect(r.value).toEqual([{ a: 1, b: 2 }]);
  // Its DEALLOCATE was refused in the aborted transaction; it goes out again before the next use.
  for (let round = 0; round < 2; round += 1) {
    for (const r of await readInTransactions()) expect(r).toEqual({ status: 'fulfilled', value: [{ a: 1, b: 2 }] });
  }
  for (const rows of await Promise.all(Array.from({ length: 20 }, () => executePrepared<Record<string, unknown>>(em(), sql, [0])))) {
    expect(rows).toEqual([{ a: 1, b: 2 }]);
  }
});
