import fs from 'node:fs';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { fromGlobalId } from '../src/lib/global-id';
import { createClass, createSchool } from './fixtures/schools';
import { insertTowns, type TownName } from './fixtures/towns';
import { createTestApi, expectData, type TestApi } from './helpers/api';

/**
 * The queries npm run bench sends (bench/queries/ours) run a number of SQL
 * statements that depends on their depth, never on the page size.
 * Scenario 4 (an exchange's detail) joins here when exchanges exist.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function benchQuery(file: string): TypedDocumentNode<Json, Record<string, unknown>> {
  return parse(fs.readFileSync(path.join(__dirname, '..', 'bench', 'queries', 'ours', file), 'utf8')) as never;
}

let api: TestApi;
let towns: Record<TownName, string>;
let schoolId: string;

beforeAll(async () => {
  api = await createTestApi();
  towns = await insertTowns(api.orm);
  // A school with 50 classes, each paired with several classes of two partner schools.
  const school = await createSchool(api, towns.Uppsala, { name: 'Bench tree school' });
  schoolId = school.id;
  for (let i = 0; i < 50; i += 1) await createClass(api, school.id, { label: `T${i}` });
  const partners: string[] = [];
  for (const town of [towns.Lyon, towns.Paris]) {
    const partner = await createSchool(api, town, { instructionLanguages: ['fr'] });
    for (let i = 0; i < 6; i += 1) {
      const c = await createClass(api, partner.id, {
        languages: [
          { language: 'fr', role: 'INSTRUCTION' },
          { language: 'sv', role: 'LEARNING', level: 'A2' },
        ],
      });
      partners.push(c.id);
    }
  }
  // Pairings in both directions (the class as A and as B); written in SQL, the API's checks are not under test here.
  const local = (id: string) => fromGlobalId(id)!.id;
  const [{ min, max }] = (await api.orm.em
    .getConnection()
    .execute('select min(id)::int as min, max(id)::int as max from school_class where school_id = ?', [local(schoolId)])) as { min: number; max: number }[];
  const partnerIds = partners.map(local);
  await api.orm.em.getConnection().execute(
    `insert into language_pairing (class_a_id, class_b_id, language_a, language_b, mode, status, unbalanced)
     select case when k % 2 = 0 then c.id else p.id end, case when k % 2 = 0 then p.id else c.id end,
            case when k % 2 = 0 then 'sv' else 'fr' end, case when k % 2 = 0 then 'fr' else 'sv' end, 'VIDEO', 'ACTIVE', false
       from generate_series(?::int, ?::int) c(id)
       cross join generate_series(0, 11) k
       join lateral (select (?::int[])[1 + (c.id + k) % ?] as id) p on true`,
    [min, max, `{${partnerIds.join(',')}}`, partnerIds.length],
  );
});
afterAll(() => api.close());

/** Statements of one call; the admin is warmed up first, so a once-a-minute token update never lands in a count. */
async function statements(query: TypedDocumentNode<Json, Record<string, unknown>>, variables: Record<string, unknown>) {
  api.sql.reset();
  const data = expectData(await api.admin.exec(query, variables));
  return { data, count: api.sql.count };
}

describe('bench queries: SQL statements do not grow with the page size', () => {
  it('scenario 2: 5 or 50 classes with school, town and languages', async () => {
    const query = benchQuery('2-classes.graphql');
    await statements(query, { first: 1 });
    const five = await statements(query, { first: 5 });
    const fifty = await statements(query, { first: 50 });
    expect(five.data.schoolClasses.edges).toHaveLength(5);
    expect(fifty.data.schoolClasses.edges).toHaveLength(50);
    for (const { node } of fifty.data.schoolClasses.edges) {
      expect(node.school.town.name).toBeTruthy();
      expect(node.languages.length).toBeGreaterThan(0);
    }
    expect(fifty.count).toBe(five.count);
    // token, classes, schools, towns, languages
    expect(fifty.count).toBeLessThanOrEqual(5);
  });

  it('scenario 3: a school, 5 or 50 classes, 2 or 10 pairings each, partner classes and schools', async () => {
    const query = benchQuery('3-school-tree.graphql');
    await statements(query, { id: schoolId, classes: 1, pairings: 1 });
    const small = await statements(query, { id: schoolId, classes: 5, pairings: 2 });
    const large = await statements(query, { id: schoolId, classes: 50, pairings: 10 });
    const pairings = (d: Json) => d.school.classes.edges.flatMap((e: Json) => e.node.pairings.edges);
    expect(small.data.school.classes.edges).toHaveLength(5);
    expect(large.data.school.classes.edges).toHaveLength(50);
    expect(pairings(small.data)).toHaveLength(5 * 2);
    expect(pairings(large.data)).toHaveLength(50 * 10);
    for (const { node } of pairings(large.data)) {
      expect(node.classA.school.name).toBeTruthy();
      expect(node.classB.school.name).toBeTruthy();
    }
    expect(large.count).toBe(small.count);
    // token, school, town, classes, pairings, classes A and B (one batch), partner schools
    expect(large.count).toBeLessThanOrEqual(7);
  });
});
