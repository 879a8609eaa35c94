import fs from 'node:fs';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { toGlobalId } from '../src/lib/global-id';
import { Scope } from '../src/modules/auth/viewer';
import { addVisitsBothWays, agreedExchange, day, exchangeWorld, localId, type ExchangeWorld } from './fixtures/exchanges';
import { makeAppToken } from './fixtures/planned-exchanges';
import { createClass, createSchool } from './fixtures/schools';
import { createTestApi, createUserWithToken, type Executor, type ExecutorOptions, type TestApi } from './helpers/api';

/**
 * `school(id:)` compiles its subtree into one statement when it can
 * (src/modules/common/compiled-read.ts). Whatever the query and whoever
 * asks, the answer (data and errors) is the one the resolvers give field
 * by field; and the compiled path is really taken (one statement) where it
 * should be, and not where it should not.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const doc = (source: string) => parse(source) as TypedDocumentNode<Json, Record<string, unknown>>;

const benchExchange = doc(fs.readFileSync(path.join(__dirname, '..', 'bench', 'queries', 'ours', '4-exchange.graphql'), 'utf8'));

/** Compiled lists next to fields that resolve from the entity (classes, budget, timeline, private notes). */
const exchangeWide = doc(`
  query ExchangeWide($id: ID!) {
    exchange(id: $id) {
      __typename id title status themes version viewerCanManage
      classes { role schoolClass { id label } }
      first: visits(first: 1) { edges { node { id startsOn } } }
      visits { edges { node { id startsOn endsOn participantCount accompanyingTeacherCount transportMode greenTravel accommodation days hostSchool { ...S town { name country population } } } } }
      goals(first: 5) { edges { node { id description indicator target evaluationOn evaluations(first: 2) { edges { node { id outcome evaluatedOn } } } } } }
      budget { totals { currency cost fundingSecured gap } }
      budgetLines { edges { node { id category description amountMinor currency basis } } }
      fundingSources(first: 3) { edges { node { id kind description amountMinor currency status } } }
      visitsWithNotes: visits { edges { node { id notes } } }
      timeline(first: 2) { edges { node { id kind } } }
    }
  }
  fragment S on School { id name kind }
`);

const benchTree = doc(fs.readFileSync(path.join(__dirname, '..', 'bench', 'queries', 'ours', '3-school-tree.graphql'), 'utf8'));

/** Aliases, named and inline fragments, __typename, two pages of one list, every compiled field. */
const wide = doc(`
  query Wide($id: ID!) {
    s: school(id: $id) {
      __typename
      ...SchoolFields
      place: town { __typename id name country population }
      newest: classes(first: 2) { __typename edges { __typename node { ...ClassFields } } }
      all: classes(first: 20) {
        edges {
          n: node {
            id
            ... on SchoolClass { grade ageMin ageMax pupilCount subjects themes lookingForPartners }
            languages { __typename language role level }
            open: availability { startsOn endsOn }
            recent: pairings(first: 1) { edges { node { id status } } }
            pairings(first: 20) {
              edges {
                node { id status mode languageA languageB unbalanced a: classA { ...ClassFields school { ...SchoolFields } } classB { id label } }
              }
            }
          }
        }
      }
    }
  }
  fragment SchoolFields on School { id name kind pupilCount instructionLanguages website }
  fragment ClassFields on SchoolClass { id label }
`);

/** Each of these falls back to the resolvers somewhere in its subtree. */
const fallbacks: Record<string, TypedDocumentNode<Json, Record<string, unknown>>> = {
  pageInfo: doc('query ($id: ID!) { school(id: $id) { id classes(first: 3) { pageInfo { hasNextPage endCursor } edges { node { id } } } } }'),
  totalCount: doc('query ($id: ID!) { school(id: $id) { classes { totalCount } } }'),
  cursor: doc('query ($id: ID!) { school(id: $id) { classes(first: 2) { edges { cursor node { id } } } } }'),
  filter: doc('query ($id: ID!) { school(id: $id) { classes(filter: { lookingForPartners: true }) { edges { node { id } } } } }'),
  orderBy: doc('query ($id: ID!) { school(id: $id) { classes(orderBy: { field: LABEL, direction: ASC }) { edges { node { label } } } } }'),
  after: doc('query ($id: ID!, $after: String) { school(id: $id) { classes(first: 2, after: $after) { edges { node { id } } } } }'),
  directive: doc('query ($id: ID!) { school(id: $id) { id name @include(if: true) } }'),
  privateField: doc('query ($id: ID!) { school(id: $id) { id contactEmail } }'),
  deepPrivateField: doc('query ($id: ID!) { school(id: $id) { classes { edges { node { id internalNotes } } } } }'),
  interfaceFragment: doc('query ($id: ID!) { school(id: $id) { ... on Node { id } } }'),
  firstTooLarge: doc('query ($id: ID!) { school(id: $id) { classes(first: 101) { edges { node { id } } } } }'),
  sameKeyTwice: doc('query ($id: ID!) { school(id: $id) { town { name } town { country } } }'),
  markerAlias: doc('query ($id: ID!) { school(id: $id) { __compiled: name id } }'),
  deepMarkerAlias: doc('query ($id: ID!) { school(id: $id) { name classes { edges { node { __compiled: label } } } } }'),
  typenameAlias: doc('query ($id: ID!) { school(id: $id) { __typename: name id } }'),
};

const benchClasses = doc(fs.readFileSync(path.join(__dirname, '..', 'bench', 'queries', 'ours', '2-classes.graphql'), 'utf8'));

/** A page of schoolClasses with every argument and every connection field next to compiled nodes. */
const classesWide = doc(`
  query ClassesWide($first: Int, $after: String, $last: Int, $before: String, $filter: SchoolClassFilter, $orderBy: SchoolClassOrder) {
    list: schoolClasses(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      __typename
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        __typename
        cursor
        item: node {
          __typename id label grade ageMin ageMax pupilCount subjects themes lookingForPartners
          school { id name kind pupilCount instructionLanguages website town { id name country population } }
          languages { language role level }
          availability { startsOn endsOn }
          pairings(first: 3) { edges { node { id status classA { id label } classB { id } } } }
        }
      }
    }
  }
`);

/** Each of these resolves the nodes of schoolClasses field by field. */
const listFallbacks: Record<string, TypedDocumentNode<Json, Record<string, unknown>>> = {
  privateField: doc('{ schoolClasses(first: 5) { edges { node { id internalNotes } } } }'),
  twoEdges: doc('{ schoolClasses(first: 5) { a: edges { node { id } } b: edges { node { label } } } }'),
  twoNodes: doc('{ schoolClasses(first: 5) { edges { a: node { id } b: node { label } } } }'),
  interfaceFragment: doc('{ schoolClasses(first: 5) { edges { node { ... on Node { id } } } } }'),
  directive: doc('{ schoolClasses(first: 5) { edges { node { id label @skip(if: false) } } } }'),
  markerAlias: doc('{ schoolClasses(first: 5) { edges { node { id __compiled: label } } } }'),
};

let api: TestApi;
let schoolId: string;
let w: ExchangeWorld;
const viewers: Record<string, string | null> = {};

beforeAll(async () => {
  api = await createTestApi();
  w = await exchangeWorld(api);
  const towns = w.towns;
  const school = await createSchool(api, towns.Uppsala, { name: 'Compiled tree school', website: 'https://example.org', pupilCount: 400 });
  schoolId = school.id;
  const partnerSchool = await createSchool(api, towns.Lyon, { instructionLanguages: ['fr'] });
  const ours: string[] = [];
  for (let i = 0; i < 6; i += 1) {
    // Two of them are not looking for partners: only their own people and admins see them.
    ours.push((await createClass(api, school.id, { label: `C${i}`, lookingForPartners: i % 3 !== 2, themes: ['ENVIRONMENT'] })).id);
  }
  const partners: string[] = [];
  for (let i = 0; i < 4; i += 1) {
    partners.push(
      (
        await createClass(api, partnerSchool.id, {
          label: `P${i}`,
          languages: [{ language: 'fr', role: 'INSTRUCTION' }, { language: 'sv', role: 'LEARNING', level: 'A2' }, { language: 'en', role: 'LEARNING', level: 'B1' }],
          availability: [{ startsOn: day(200 + i), endsOn: day(210 + i) }, { startsOn: day(30), endsOn: day(40) }],
        })
      ).id,
    );
  }
  // Pairings both ways and in several states; written in SQL, the API's checks are not under test here.
  const conn = api.orm.em.getConnection();
  const statuses = ['PROPOSED', 'ACCEPTED', 'ACTIVE', 'ENDED', 'DECLINED'];
  let k = 0;
  for (const [i, c] of ours.entries()) {
    for (const [j, p] of partners.entries()) {
      if ((i + j) % 2 === 1) continue;
      const [a, b] = k % 2 === 0 ? [c, p] : [p, c];
      await conn.execute(
        `insert into language_pairing (class_a_id, class_b_id, language_a, language_b, mode, status, unbalanced) values (?, ?, ?, ?, 'VIDEO', ?, ?)`,
        [localId(a), localId(b), k % 2 === 0 ? 'sv' : 'fr', k % 3 === 0 ? null : k % 2 === 0 ? 'fr' : 'sv', statuses[k % statuses.length], k % 3 === 0],
      );
      k += 1;
    }
  }
  const teacher = await createUserWithToken(api.orm, 'Compiled teacher');
  await conn.execute('insert into class_teacher (user_id, class_id) values (?, ?)', [teacher.userId, localId(ours[2]!)]);
  const coordinator = await createUserWithToken(api.orm, 'Compiled coordinator');
  await conn.execute('insert into school_coordinator (user_id, school_id) values (?, ?)', [coordinator.userId, localId(partnerSchool.id)]);
  const nobody = await createUserWithToken(api.orm, 'Compiled nobody');
  Object.assign(viewers, { admin: api.admin.token, anonymous: null, teacher: teacher.token, partnerCoordinator: coordinator.token, noRoles: nobody.token });
});
afterAll(() => api.close());

/** The answer and the statements it took, compiled or through the resolvers. */
async function run(token: string | null, query: TypedDocumentNode<Json, Record<string, unknown>>, variables: Record<string, unknown>, opts: ExecutorOptions) {
  const executor: Executor = api.as(token, opts);
  api.sql.reset();
  const { data, errors } = await executor.exec(query, variables);
  // Stack traces (development and tests only) name the test's own lines.
  const withoutStacks = errors?.map(({ extensions, ...rest }) => {
    const { stacktrace: _stacktrace, ...ext } = extensions ?? {};
    return { ...rest, extensions: ext };
  });
  return { result: { data, errors: withoutStacks }, statements: api.sql.count };
}

/** Statements of authentication alone for this caller. */
async function authStatements(token: string | null): Promise<number> {
  return (await run(token, doc('{ __typename }'), {}, {})).statements;
}

describe('compiled reads: school(id:) answers in one statement, exactly as the resolvers do', () => {
  it.each(['admin', 'anonymous', 'teacher', 'partnerCoordinator', 'noRoles'])('the bench tree and a wide query, as %s', async (who) => {
    const token = viewers[who]!;
    await authStatements(token); // sets last_used_at
    const auth = await authStatements(token);
    const cases: [TypedDocumentNode<Json, Record<string, unknown>>, Record<string, unknown>][] = [
      [benchTree, { id: schoolId }],
      [benchTree, { id: schoolId, classes: 3, pairings: 1 }],
      [benchTree, { id: schoolId, classes: 0 }],
      [benchTree, { id: schoolId, classes: 50, pairings: 20 }],
      [wide, { id: schoolId }],
    ];
    for (const [query, variables] of cases) {
      const compiled = await run(token, query, variables, {});
      const resolved = await run(token, query, variables, { compiledReads: false });
      expect(compiled.result).toEqual(resolved.result);
      expect(compiled.result.errors).toBeUndefined();
      expect(compiled.statements).toBe(auth + 1);
      expect(resolved.statements).toBeGreaterThan(auth + 1);
    }
  });

  it('sees what each caller may see: hidden classes and private pairings stay out', async () => {
    const tree = async (who: string) => (await run(viewers[who]!, wide, { id: schoolId }, {})).result.data!.s;
    const classCount = async (who: string) => (await tree(who)).all.edges.length;
    const pairingCount = async (who: string) =>
      (await tree(who)).all.edges.reduce((n: number, e: Json) => n + e.n.pairings.edges.length, 0);
    expect(await classCount('admin')).toBe(6);
    expect(await classCount('anonymous')).toBe(4);
    expect(await classCount('teacher')).toBe(5); // the four open ones and the one they teach
    expect(await pairingCount('anonymous')).toBe(0);
    expect(await pairingCount('noRoles')).toBe(0);
    const teacherPairings = await pairingCount('teacher');
    expect(teacherPairings).toBeGreaterThan(0);
    expect(teacherPairings).toBeLessThan(await pairingCount('admin'));
    expect(await pairingCount('partnerCoordinator')).toBeGreaterThan(0);
  });

  it.each(Object.keys(fallbacks))('falls back to the resolvers, with the same answer: %s', async (name) => {
    const query = fallbacks[name]!;
    for (const who of ['admin', 'anonymous', 'teacher']) {
      const token = viewers[who]!;
      const variables: Record<string, unknown> = { id: schoolId };
      if (name === 'after') {
        const first = await run(token, fallbacks.cursor!, variables, { compiledReads: false });
        variables.after = first.result.data!.school.classes.edges[0].cursor;
      }
      const compiledPath = await run(token, query, variables, {});
      const resolved = await run(token, query, variables, { compiledReads: false });
      expect(compiledPath.result).toEqual(resolved.result);
      expect(compiledPath.statements).toBe(resolved.statements);
    }
  });

  it('an unknown school is null and a malformed id a BAD_USER_INPUT, as through the resolvers', async () => {
    for (const id of [toGlobalId('School', 987654), 'not-an-id', toGlobalId('Town', 1)]) {
      const compiled = await run(viewers.admin!, benchTree, { id }, {});
      const resolved = await run(viewers.admin!, benchTree, { id }, { compiledReads: false });
      expect(compiled.result).toEqual(resolved.result);
    }
    const unknown = await run(viewers.admin!, benchTree, { id: toGlobalId('School', 987654) }, {});
    expect(unknown.result.data).toEqual({ school: null });
    const malformed = await run(viewers.admin!, benchTree, { id: 'not-an-id' }, {});
    expect(malformed.result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('compiled reads: schoolClasses builds its nodes in the page statement, exactly as the resolvers do', () => {
  it.each(['admin', 'anonymous', 'teacher', 'partnerCoordinator', 'noRoles'])('every argument and connection field, as %s', async (who) => {
    const token = viewers[who]!;
    await authStatements(token);
    const auth = await authStatements(token);
    const page = await run(token, classesWide, { first: 4 }, { compiledReads: false });
    const { endCursor, startCursor } = page.result.data!.list.pageInfo;
    const cases: Record<string, unknown>[] = [
      {},
      { first: 0 },
      { first: 4 },
      { first: 4, after: endCursor },
      { last: 3, before: endCursor },
      { last: 2 },
      { first: 50, filter: { schoolId } },
      { first: 10, filter: { offersLanguage: 'fr', learnsLanguage: 'sv', levels: ['A2'] } },
      { first: 10, filter: { lookingForPartners: false } },
      { first: 10, orderBy: { field: 'LABEL', direction: 'ASC' } },
      { first: 10, orderBy: { field: 'PUPIL_COUNT', direction: 'DESC' }, filter: { country: 'SE' } },
      { first: 5, after: startCursor, orderBy: { field: 'LABEL', direction: 'ASC' } }, // a cursor of another order: an error
      { first: 101 },
    ];
    for (const variables of cases) {
      const compiled = await run(token, classesWide, variables, {});
      const resolved = await run(token, classesWide, variables, { compiledReads: false });
      expect(compiled.result).toEqual(resolved.result);
    }
    // Without totalCount the page is one statement, whatever the page holds.
    for (const variables of [{ first: 50 }, { first: 3, after: endCursor }]) {
      const compiled = await run(token, benchClasses, variables, {});
      const resolved = await run(token, benchClasses, variables, { compiledReads: false });
      expect(compiled.result).toEqual(resolved.result);
      expect(compiled.result.errors).toBeUndefined();
      expect(compiled.statements).toBe(auth + 1);
      expect(resolved.statements).toBeGreaterThan(auth + 1);
    }
  });

  it('sends the same statement text for every teacher: their classes are bound, so one prepared statement serves them all', async () => {
    const other = await createUserWithToken(api.orm, 'Compiled other teacher');
    const [{ id: classId }] = await api.orm.em.getConnection().execute<{ id: number }[]>(`select id from school_class where label = 'C5'`);
    await api.orm.em.getConnection().execute('insert into class_teacher (user_id, class_id) values (?, ?)', [other.userId, classId]);
    const lastStatement = async (token: string, query: TypedDocumentNode<Json, Record<string, unknown>>, variables: Record<string, unknown>) => {
      await run(token, query, variables, {});
      const { result } = await run(token, query, variables, {});
      expect(result.errors).toBeUndefined();
      return { text: api.sql.statements[api.sql.statements.length - 1], data: result.data };
    };
    for (const [query, variables] of [
      [benchTree, { id: schoolId }],
      [classesWide, { first: 20 }],
    ] as const) {
      const mine = await lastStatement(viewers.teacher!, query, variables);
      const theirs = await lastStatement(other.token, query, variables);
      expect(theirs.text).toBe(mine.text);
      expect(theirs.data).not.toEqual(mine.data); // each sees their own hidden class
    }
  });

  it('lists languages and availability the way their loaders do', async () => {
    const { data } = (await run(viewers.admin!, classesWide, { first: 50, orderBy: { field: 'LABEL', direction: 'ASC' } }, {})).result;
    const p1 = data!.list.edges.map((e: Json) => e.item).find((c: Json) => c.label === 'P1');
    expect(p1.languages).toEqual([
      { language: 'fr', role: 'INSTRUCTION', level: null },
      { language: 'en', role: 'LEARNING', level: 'B1' },
      { language: 'sv', role: 'LEARNING', level: 'A2' },
    ]);
    expect(p1.availability).toEqual([
      { startsOn: day(30), endsOn: day(40) },
      { startsOn: day(201), endsOn: day(211) },
    ]);
  });

  it.each(Object.keys(listFallbacks))('falls back to the resolvers, with the same answer: %s', async (name) => {
    for (const who of ['admin', 'anonymous', 'teacher']) {
      const token = viewers[who]!;
      const compiledPath = await run(token, listFallbacks[name]!, {}, {});
      const resolved = await run(token, listFallbacks[name]!, {}, { compiledReads: false });
      expect(compiledPath.result).toEqual(resolved.result);
      expect(compiledPath.statements).toBe(resolved.statements);
    }
  });
});

describe('compiled reads: exchange(id:) compiles its lists and resolves the rest from the entity', () => {
  const tokens: Record<string, string | null> = {};
  let exchangeId: string;

  beforeAll(async () => {
    const exchange = await agreedExchange(w, { startsOn: day(100), endsOn: day(104) }, 'Compiled exchange');
    exchangeId = exchange.id;
    await addVisitsBothWays(w, exchange.id, 3);
    const conn = api.orm.em.getConnection();
    const id = localId(exchange.id);
    await conn.execute(`insert into goal (exchange_id, description, indicator, evaluation_on) select ?, 'Goal ' || g, 'Indicator ' || g, current_date + 60 from generate_series(2, 4) g`, [id]);
    await conn.execute(`insert into evaluation (goal_id, evaluated_on, outcome) select g.id, current_date - k, 1 + k from goal g cross join generate_series(0, 2) k where g.exchange_id = ?`, [id]);
    await conn.execute(
      `insert into budget_line (exchange_id, category, description, amount_minor, currency, basis)
       select ?, 'TRAVEL', 'Line ' || l, 1000 * l, case when l % 2 = 0 then 'SEK' else 'EUR' end, case when l % 2 = 0 then 'PER_PARTICIPANT' else 'TOTAL' end from generate_series(1, 4) l`,
      [id],
    );
    await conn.execute(
      `insert into funding_source (exchange_id, kind, amount_minor, currency, status)
       select ?, 'MUNICIPALITY', 500 * f, 'EUR', (array['PLANNED', 'GRANTED', 'RECEIVED'])[1 + f % 3] from generate_series(1, 4) f`,
      [id],
    );
    Object.assign(tokens, {
      admin: api.admin.token,
      coordinator: w.coordSv.token,
      otherCoordinator: w.coordDe.token, // of a school not in the exchange
      teacher: w.teacherSv.token,
      app: await makeAppToken(api, 'Compiled reads app', [Scope.PUBLIC_READ, Scope.EXCHANGES_READ]),
      anonymous: null,
    });
  });

  it.each(['admin', 'coordinator', 'otherCoordinator', 'teacher', 'app', 'anonymous'])('the bench detail and a wide query, as %s', async (who) => {
    const token = tokens[who]!;
    for (const query of [benchExchange, exchangeWide]) {
      const compiled = await run(token, query, { id: exchangeId }, {});
      const resolved = await run(token, query, { id: exchangeId }, { compiledReads: false });
      expect(compiled.result).toEqual(resolved.result);
      if (['admin', 'coordinator', 'teacher', 'app'].includes(who)) {
        expect(compiled.result.data!.exchange.visits.edges.length).toBeGreaterThan(0);
        expect(compiled.statements).toBeLessThan(resolved.statements);
      } else {
        expect(compiled.result.data!.exchange).toBeNull();
      }
    }
  });

  it('an alias shaped like the compiled marker is answered by the resolvers, as it would be without compiling', async () => {
    const query = doc('query ($id: ID!) { exchange(id: $id) { __compiled: title visits { edges { node { id __compiled: startsOn } } } } }');
    const compiled = await run(tokens.admin!, query, { id: exchangeId }, {});
    const resolved = await run(tokens.admin!, query, { id: exchangeId }, { compiledReads: false });
    expect(compiled.result).toEqual(resolved.result);
    expect(compiled.result.errors).toBeUndefined();
    expect(compiled.result.data!.exchange.__compiled).toBe('Compiled exchange');
  });

  it('takes two statements for the bench detail as an admin: the exchange, then its lists and budget totals', async () => {
    const token = tokens.admin!;
    await authStatements(token);
    const auth = await authStatements(token);
    const compiled = await run(token, benchExchange, { id: exchangeId }, {});
    expect(compiled.result.errors).toBeUndefined();
    expect(compiled.result.data!.exchange.budgetLines.edges).toHaveLength(4);
    expect(compiled.result.data!.exchange.budget.totals.map((t: Json) => t.currency)).toEqual(['EUR', 'SEK']);
    expect(compiled.statements).toBe(auth + 2);
  });
});
