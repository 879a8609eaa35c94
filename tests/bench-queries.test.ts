import fs from 'node:fs';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { fromGlobalId } from '../src/lib/global-id';
import { addVisitsBothWays, agreedExchange, day, exchangeWorld, type ExchangeWorld } from './fixtures/exchanges';
import { createClass, createSchool } from './fixtures/schools';
import { createTestApi, expectData, type ExecutorOptions, type TestApi } from './helpers/api';

/**
 * The queries npm run bench sends (bench/queries/ours) run a number of SQL
 * statements that depends on their depth, never on the page size.
 * Scenario 4: an exchange with one visit, goal, evaluation, line and
 * source, or with ten visits, ten goals of three evaluations, fifteen lines
 * and eight sources: the same statements.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function benchQuery(file: string): TypedDocumentNode<Json, Record<string, unknown>> {
  return parse(fs.readFileSync(path.join(__dirname, '..', 'bench', 'queries', 'ours', file), 'utf8')) as never;
}

let api: TestApi;
let schoolId: string;
let w: ExchangeWorld;
let smallExchange: string;
let largeExchange: string;

beforeAll(async () => {
  api = await createTestApi();
  // The exchange fixtures' schools and classes (and the towns, which the school tree uses too).
  w = await exchangeWorld(api);
  const towns = w.towns;
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

  // Scenario 4: a small exchange (one visit and goal) and a large one (ten visits, both ways).
  smallExchange = (await agreedExchange(w, {}, 'Small exchange')).id;
  const large = await agreedExchange(w, { startsOn: day(100), endsOn: day(104) }, 'Large exchange');
  largeExchange = large.id;
  await addVisitsBothWays(w, large.id, 9);
  // Evaluations, further goals, lines and sources in SQL: their mutations are tested elsewhere.
  const conn = api.orm.em.getConnection();
  const [small, big] = [local(smallExchange), local(largeExchange)];
  await conn.execute(
    `insert into goal (exchange_id, description, evaluation_on) select ?, 'Goal ' || g, current_date + 60 from generate_series(2, 10) g`,
    [big],
  );
  await conn.execute(
    `insert into evaluation (goal_id, evaluated_on, outcome)
     select g.id, current_date - k, 1 + k from goal g cross join generate_series(0, 2) k
      where g.exchange_id = ? or (g.exchange_id = ? and k = 0)`,
    [big, small],
  );
  await conn.execute(
    `insert into budget_line (exchange_id, category, description, amount_minor, currency, basis)
     select e, 'TRAVEL', 'Line ' || l, 1000 * l, case when l % 4 = 0 then 'SEK' else 'EUR' end, case when l % 2 = 0 then 'PER_PARTICIPANT' else 'TOTAL' end
       from (values (?::int, 1), (?::int, 15)) x(e, n) cross join lateral generate_series(1, x.n) l`,
    [small, big],
  );
  await conn.execute(
    `insert into funding_source (exchange_id, kind, amount_minor, currency, status)
     select e, 'MUNICIPALITY', 500 * f, 'EUR', (array['PLANNED', 'GRANTED', 'RECEIVED'])[1 + f % 3]
       from (values (?::int, 1), (?::int, 8)) x(e, n) cross join lateral generate_series(1, x.n) f`,
    [small, big],
  );
});
afterAll(() => api.close());

/** Statements of one call; the admin is warmed up first, so a once-a-minute token update never lands in a count. */
async function statements(query: TypedDocumentNode<Json, Record<string, unknown>>, variables: Record<string, unknown>, opts: ExecutorOptions = {}) {
  api.sql.reset();
  const data = expectData(await api.as(api.admin.token, opts).exec(query, variables));
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
    // token, then the page with its nodes compiled into the same statement (compiled-read.ts)
    expect(fifty.count).toBeLessThanOrEqual(2);
    // Field by field, as any query the compiler does not take is answered:
    const off = { compiledReads: false };
    const fiveOff = await statements(query, { first: 5 }, off);
    const fiftyOff = await statements(query, { first: 50 }, off);
    expect(fiftyOff.data).toEqual(fifty.data);
    expect(fiftyOff.count).toBe(fiveOff.count);
    // token, classes, schools, towns, languages
    expect(fiftyOff.count).toBeLessThanOrEqual(5);
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
    // token, then the whole tree compiled into one statement (compiled-read.ts)
    expect(large.count).toBeLessThanOrEqual(2);
    // Field by field, as any query the compiler does not take is answered:
    const off = { compiledReads: false };
    const smallOff = await statements(query, { id: schoolId, classes: 5, pairings: 2 }, off);
    const largeOff = await statements(query, { id: schoolId, classes: 50, pairings: 10 }, off);
    expect(largeOff.data).toEqual(large.data);
    expect(largeOff.count).toBe(smallOff.count);
    // token, school, town, classes, pairings, classes A and B (one batch), partner schools
    expect(largeOff.count).toBeLessThanOrEqual(7);
  });

  it('scenario 4: an exchange with 1 or 10 visits, goals (3 evaluations each), 1 or 15 budget lines, 1 or 8 funding sources', async () => {
    const query = benchQuery('4-exchange.graphql');
    await statements(query, { id: smallExchange });
    const small = await statements(query, { id: smallExchange });
    const large = await statements(query, { id: largeExchange });
    const edges = (c: Json) => c.edges.map((e: Json) => e.node) as Json[];
    expect(edges(small.data.exchange.visits)).toHaveLength(1);
    expect(edges(large.data.exchange.visits)).toHaveLength(10);
    expect(edges(large.data.exchange.goals)).toHaveLength(10);
    for (const goal of edges(large.data.exchange.goals)) expect(edges(goal.evaluations)).toHaveLength(3);
    expect(edges(large.data.exchange.budgetLines)).toHaveLength(15);
    expect(edges(large.data.exchange.fundingSources)).toHaveLength(8);
    for (const visit of edges(large.data.exchange.visits)) expect(visit.hostSchool.town.name).toBeTruthy();
    expect(large.data.exchange.budget.totals.map((t: Json) => t.currency)).toEqual(['EUR', 'SEK']);
    expect(large.count).toBeLessThanOrEqual(small.count);
    // token, exchange (an admin needs no lookup of its classes), its lists and budget totals compiled into one statement
    expect(large.count).toBeLessThanOrEqual(3);
    // Field by field, as any query the compiler does not take is answered:
    const off = { compiledReads: false };
    const smallOff = await statements(query, { id: smallExchange }, off);
    const largeOff = await statements(query, { id: largeExchange }, off);
    expect(largeOff.data).toEqual(large.data);
    expect(largeOff.count).toBeLessThanOrEqual(smallOff.count);
    // token, exchange, visits, goals, budget totals, lines, sources, host schools, evaluations, towns
    expect(largeOff.count).toBeLessThanOrEqual(10);
  });
});
