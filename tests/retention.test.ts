import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../src/db';
import { createTokenFromCli, TokenCliError } from '../src/modules/auth/token-cli';
import {
  purgeExpiredPersonalData,
  registerRetentionPurger,
  retentionCutoff,
  unregisterRetentionPurger,
} from '../src/modules/retention/retention';
import { createTestOrm } from './helpers/db';

let orm: Orm;
beforeAll(async () => {
  orm = await createTestOrm();
});
afterAll(() => orm.close());

describe('retention', () => {
  it('computes the cutoff a number of months back', () => {
    expect(retentionCutoff(12, new Date('2027-06-15T00:00:00Z')).toISOString()).toBe('2026-06-15T00:00:00.000Z');
    expect(retentionCutoff(3, new Date('2027-01-10T00:00:00Z')).toISOString()).toBe('2026-10-10T00:00:00.000Z');
  });

  it('runs registered purgers with the cutoff, all or nothing', async () => {
    const conn = orm.em.getConnection();
    await conn.execute(`create table pupil_demo (id int primary key, alias text, ended date not null)`);
    await conn.execute(`insert into pupil_demo values (1, 'Fox', '2025-01-01'), (2, 'Owl', '2027-05-01')`);
    const erase = {
      name: 'demo pupils',
      async purge(em: EntityManager, cutoff: Date) {
        const rows = await em
          .getConnection()
          .execute<{ id: number }[]>(
            `update pupil_demo set alias = null where ended < ? and alias is not null returning id`,
            [cutoff.toISOString().slice(0, 10)],
            'all',
            em.getTransactionContext(),
          );
        return rows.length;
      },
    };
    registerRetentionPurger(erase);
    try {
      const run = await purgeExpiredPersonalData(orm.em.fork() as EntityManager, 12, new Date('2027-06-15T00:00:00Z'));
      expect(run.results).toEqual([{ name: 'demo pupils', erased: 1 }]);
      expect(await conn.execute(`select id, alias from pupil_demo order by id`)).toEqual([
        { id: 1, alias: null },
        { id: 2, alias: 'Owl' },
      ]);
      // A failing purger rolls back the others' work.
      await conn.execute(`update pupil_demo set alias = 'Fox' where id = 1`);
      registerRetentionPurger({ name: 'broken', purge: async () => Promise.reject(new Error('boom')) });
      await expect(purgeExpiredPersonalData(orm.em.fork() as EntityManager, 12, new Date('2027-06-15T00:00:00Z'))).rejects.toThrow('boom');
      expect(await conn.execute(`select alias from pupil_demo where id = 1`)).toEqual([{ alias: 'Fox' }]);
    } finally {
      unregisterRetentionPurger('demo pupils');
      unregisterRetentionPurger('broken');
    }
  });
});

describe('token:create', () => {
  it('creates the first admin with a token, stores only its hash', async () => {
    const em = orm.em.fork() as EntityManager;
    await expect(createTokenFromCli(em, { user: 'first.admin@example.org' })).rejects.toThrow(TokenCliError);
    const { token, owner } = await createTokenFromCli(em, { user: 'first.admin@example.org', create: true, name: 'First Admin', admin: true });
    expect(token).toMatch(/^twx_[A-Za-z0-9_-]{43}$/);
    expect(owner).toContain('(admin)');
    const rows = await orm.em.getConnection().execute<{ token_hash: string }[]>(`select token_hash from api_token`);
    expect(rows.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('creates app tokens with known scopes only', async () => {
    const em = orm.em.fork() as EntityManager;
    const { owner } = await createTokenFromCli(em, { client: 'Municipal site', scopes: ['public:read'] });
    expect(owner).toBe('client "Municipal site" (scopes: public:read)');
    await expect(createTokenFromCli(em, { client: 'Other', scopes: ['root'] })).rejects.toThrow(/Unknown scope/);
    await expect(createTokenFromCli(em, { client: 'x', user: 'a@b.c' })).rejects.toThrow(/exactly one/);
  });
});

// PGlite cannot interrupt a running statement; the timeout is a PostgreSQL setting.
(process.env.DATABASE_URL ? describe : describe.skip)('statement timeout (PostgreSQL)', () => {
  it('cancels a statement that runs longer than configured', async () => {
    const limited = await createTestOrm({ statementTimeoutMs: 200 });
    try {
      await expect(limited.em.getConnection().execute('select pg_sleep(2)')).rejects.toThrow(/statement timeout/i);
    } finally {
      await limited.close();
    }
  });
});
