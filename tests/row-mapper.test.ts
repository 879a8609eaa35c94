import { helper, ReferenceKind, type EntityClass, type EntityMetadata } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AddBudgetLineDocument,
  AddFundingSourceDocument,
  AddHostFamilyDocument,
  AddParticipantDocument,
} from '../schema/generated/graphql';
import { mapRow } from '../src/modules/common/row-mapper';
import { agreedExchange, day, exchangeWorld } from './fixtures/exchanges';
import { createTestApi, expectData, type TestApi } from './helpers/api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
  const w = await exchangeWorld(api);
  const ex = await agreedExchange(w);
  const ok = (result: { userErrors: unknown[] }) => expect(result.userErrors).toEqual([]);
  ok(expectData(await w.coordSv.exec(AddBudgetLineDocument, { input: { exchangeId: ex.id, category: 'TRAVEL', description: 'Night train', amountMinor: 123_456, currency: 'SEK', basis: 'PER_PARTICIPANT' } })).addBudgetLine);
  ok(expectData(await w.coordSv.exec(AddFundingSourceDocument, { input: { exchangeId: ex.id, kind: 'MUNICIPALITY', description: 'Town hall', amountMinor: 50_000, currency: 'SEK', status: 'GRANTED' } })).addFundingSource);
  ok(expectData(await w.coordFr.exec(AddParticipantDocument, { input: { exchangeId: ex.id, classId: w.frClass.id, alias: 'Renard', age: 13, parentalConsentOn: day(-30) } })).addParticipant);
  ok(expectData(await w.coordSv.exec(AddHostFamilyDocument, { input: { exchangeId: ex.id, schoolId: w.svSchool.id, name: 'Lindqvist', capacity: 2, languages: ['sv', 'en'], notes: 'Cat at home' } })).addHostFamily);
}, 60_000);

afterAll(() => api.close());

function scalarProps(meta: EntityMetadata) {
  return meta.props.filter((p) => p.kind === ReferenceKind.SCALAR && p.persist !== false).map((p) => p.name);
}

async function rowsOf(em: EntityManager, table: string) {
  return em.getConnection().execute<Record<string, unknown>[]>(`select * from "${table}" order by 1 limit 25`, [], 'all', em.getTransactionContext());
}

describe('mapRow', () => {
  it('outside a transaction, builds read-only instances with exactly what em.map gives, for every entity', async () => {
    const em = api.orm.em.fork() as EntityManager;
    const covered: string[] = [];
    for (const meta of Object.values(api.orm.getMetadata().getAll())) {
      if (meta.virtual || meta.embeddable || !meta.class || !meta.tableName) continue;
      const entity = meta.class as EntityClass<Record<string, unknown>>;
      const rows = await rowsOf(em, meta.tableName);
      if (rows.length === 0) continue;
      covered.push(meta.tableName);
      for (const row of rows) {
        const readOnly = mapRow(em, entity, { ...row });
        const managed = (api.orm.em.fork() as EntityManager).map(entity, { ...row }) as Record<string, unknown>;
        expect(readOnly).toBeInstanceOf(entity);
        for (const prop of scalarProps(meta)) {
          expect({ entity: meta.className, prop, value: readOnly[prop] }).toEqual({ entity: meta.className, prop, value: managed[prop] });
        }
        // Getters of the class (globalId) see the read-only values too.
        if ('globalId' in managed) expect(readOnly.globalId).toEqual(managed.globalId);
        // Nothing of it reaches the EntityManager.
        expect(helper(readOnly).__managed).toBeFalsy();
      }
    }
    expect(em.getUnitOfWork().getIdentityMap().values()).toHaveLength(0);
    // The data set above reaches the tables this matters most for (dates, arrays, amounts, timestamps).
    expect(covered).toEqual(expect.arrayContaining([
      'town', 'school', 'school_class', 'class_language', 'exchange', 'exchange_class', 'visit', 'visit_guest_class',
      'goal', 'budget_line', 'funding_source', 'participant', 'host_family', 'exchange_event', 'api_token', 'app_user',
    ]));
  });

  it('read-only instances take writes as plain properties, and nothing is flushed from them', async () => {
    const em = api.orm.em.fork() as EntityManager;
    const meta = api.orm.getMetadata().get('School');
    const [row] = await rowsOf(em, meta.tableName);
    const school = mapRow(em, meta.class as EntityClass<Record<string, unknown>>, row!);
    const name = school.name;
    school.name = 'Changed in memory only';
    expect(school.name).toBe('Changed in memory only');
    await em.flush();
    const [again] = await em.getConnection().execute<{ name: string }[]>(`select name from school where id = ?`, [row!.id]);
    expect(again!.name).toBe(name);
  });

  it('inside a transaction (a mutation), merges managed entities into the EntityManager', async () => {
    await api.orm.em.fork().transactional(async (tx) => {
      const meta = api.orm.getMetadata().get('SchoolClass');
      const [row] = await rowsOf(tx as EntityManager, meta.tableName);
      const managed = mapRow(tx as EntityManager, meta.class as EntityClass<Record<string, unknown>>, row!);
      expect(helper(managed).__managed).toBe(true);
      expect(tx.getUnitOfWork().getIdentityMap().values()).toContain(managed);
    });
  });
});
