import fs from 'node:fs';
import path from 'node:path';
import type { Orm } from '../db';
import { toGlobalId } from '../lib/global-id';
import { mulberry32 } from '../lib/random';
import type { ServerName } from './servers';

const QUERY_DIR = path.resolve('bench', 'queries');

/** Per request: the variables of one call, built from the sampled ids. */
type Sample = {
  classId: number;
  schoolId: number;
  /** Page start of scenario 2: a class and its created_at, as text (full precision). */
  pageClassId: number;
  pageCreatedAt: string;
  /** Scenario 4: a bench exchange. */
  exchangeId: number;
  /** Scenario 6 only (write samples): the mutation of this request. */
  write?: Write;
};

/** One write of scenario 6; every pairing is a distinct pair of classes without a pairing, so none is a DUPLICATE. */
export type Write =
  | { kind: 'class'; schoolId: number; label: string }
  | { kind: 'pairing'; classA: number; classB: number; languageA: string; languageB: string }
  | { kind: 'line'; exchangeId: number; description: string };

/** How one server is asked for a scenario: the HTTP path and the JSON body of each sample. */
export type Target = {
  path: string;
  body(sample: Sample): unknown;
  /** The response reduced to what all servers must agree on (ids as numbers). */
  digest(data: unknown): unknown;
  /**
   * Whether a response body (as text) is a success; default: no GraphQL
   * `errors` member. Writes also fail on a non-empty `userErrors`.
   */
  ok?(body: string): boolean;
};

export type Scenario = {
  id: number;
  name: string;
  title: string;
  targets: Partial<Record<ServerName, Target>>;
  /** Writes: driven with the write samples (each body used once), no cross-server comparison. */
  writes?: boolean;
};

export const PAGE_SIZE = 50;

export function readQuery(server: 'ours' | 'postgraphile', file: string): string {
  return fs.readFileSync(path.join(QUERY_DIR, server, file), 'utf8');
}

/** PostGraphile 4's node id: base64 of ["<table>", pk]. */
function postgraphileNodeId(table: string, id: number): string {
  return Buffer.from(JSON.stringify([table, id]), 'utf8').toString('base64');
}

/** PostGraphile 4's cursor for orderBy [CREATED_AT_DESC, ID_DESC]. */
function postgraphileCursor(createdAt: string, id: number): string {
  return Buffer.from(JSON.stringify(['created_at_desc', 'id_desc', [createdAt, id]]), 'utf8').toString('base64');
}

/**
 * Our cursor for the default class order (CREATED_AT:DESC): base64url of
 * [order, value, id], as src/modules/common/pagination.ts writes it. A change
 * there shows up as BAD_USER_INPUT errors in scenario 2, never as silently
 * different pages: the bench checks every response.
 */
function ourCursor(createdAt: string, id: number): string {
  return Buffer.from(JSON.stringify(['CREATED_AT:DESC', createdAt, id]), 'utf8').toString('base64url');
}

/** Numeric id from our (and the raw baseline's) global ids or PostGraphile's node ids. */
function localId(id: string): number {
  const text = Buffer.from(id, 'base64url').toString('utf8');
  if (text.startsWith('[')) return Number((JSON.parse(text) as [string, number])[1]);
  return Number(text.slice(text.indexOf(':') + 1));
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const graphql = (query: string, variables: (s: Sample) => Record<string, unknown>) => (s: Sample) => ({ query, variables: variables(s) });

function classDigest(node: Json | null) {
  if (!node) return null;
  const { id, nodeId, ...rest } = node;
  return { id: localId(id ?? nodeId), ...rest };
}

function pageDigest(edges: Json[], school: (n: Json) => Json, languages: (n: Json) => Json[]) {
  return edges.map(({ node }) => {
    const s = school(node);
    const town = s.town ?? s.townByTownId;
    return [
      localId(node.id ?? node.nodeId),
      node.label,
      localId(s.id ?? s.nodeId),
      s.name,
      localId(town.id ?? town.nodeId),
      town.name,
      languages(node).map((l) => `${l.language}:${l.role}:${l.level}`).join(','),
    ];
  });
}

/** A school tree as [school, [[class id, [pairing id, partner school id]…]…]], pairings sorted by id. */
function treeDigest(name: string, classes: { id: number; pairings: { id: number; a: number; b: number; schoolA: number; schoolB: number }[] }[]) {
  return [name, classes.map((c) => [c.id, c.pairings.map((p) => [p.id, p.a === c.id ? p.schoolB : p.schoolA]).sort((x, y) => x[0]! - y[0]!)])];
}

function ourTree(school: Json | null) {
  if (!school) return null;
  return treeDigest(
    school.name,
    school.classes.edges.map(({ node }: Json) => ({
      id: localId(node.id),
      pairings: node.pairings.edges.map(({ node: p }: Json) => ({
        id: localId(p.id),
        a: localId(p.classA.id),
        b: localId(p.classB.id),
        schoolA: localId(p.classA.school.id),
        schoolB: localId(p.classB.school.id),
      })),
    })),
  );
}

/**
 * An exchange as [id, title, status, visits, goals with evaluations, budget
 * lines, funding sources], children sorted by id. The budget totals are left
 * out: PostGraphile has none (ours and raw compute them).
 */
function exchangeDigest(
  e: Json | null,
  f: { visits: string; school: string; town: string; goals: string; evaluations: string; lines: string; funding: string },
) {
  if (!e) return null;
  const nodes = (c: Json) => (c.edges as Json[]).map(({ node }) => node as Json);
  const id = (n: Json) => localId(n.id ?? n.nodeId);
  const byId = <T extends unknown[]>(rows: T[]) => rows.sort((x, y) => (x[0] as number) - (y[0] as number));
  return [
    id(e),
    e.title,
    e.status,
    byId(
      nodes(e[f.visits]).map((v) => {
        const school = v[f.school];
        return [id(v), v.startsOn, v.endsOn, v.participantCount, v.transportMode, id(school), school.name, school[f.town].name, school[f.town].country];
      }),
    ),
    byId(
      nodes(e[f.goals]).map((g) => [
        id(g),
        g.description,
        g.evaluationOn,
        byId(nodes(g[f.evaluations]).map((v) => [id(v), v.outcome, v.evaluatedOn])),
      ]),
    ),
    byId(nodes(e[f.lines]).map((l) => [id(l), l.category, l.amountMinor, l.currency, l.basis])),
    byId(nodes(e[f.funding]).map((s) => [id(s), s.kind, s.amountMinor, s.currency, s.status])),
  ];
}

const OUR_EXCHANGE = { visits: 'visits', school: 'hostSchool', town: 'town', goals: 'goals', evaluations: 'evaluations', lines: 'budgetLines', funding: 'fundingSources' };

/** A write succeeded: HTTP 2xx already, no GraphQL errors, and an empty userErrors list. */
function writeOk(body: string): boolean {
  return !body.includes('"errors":') && body.includes('"userErrors":[]');
}

/** Scenarios 1–6; 6 (writes) runs last. */
export function scenarios(): Scenario[] {
  const ours = (file: string) => readQuery('ours', file);
  const pg = (file: string) => readQuery('postgraphile', file);
  const writeQueries = { createClass: ours('6-create-class.graphql'), proposePairing: ours('6-propose-pairing.graphql'), addBudgetLine: ours('6-add-budget-line.graphql') };
  return [
    {
      id: 1,
      name: 'node',
      title: 'one class by global id (`node`)',
      targets: {
        ours: {
          path: '/graphql',
          body: graphql(ours('1-node.graphql'), (s) => ({ id: toGlobalId('SchoolClass', s.classId) })),
          digest: (d) => classDigest((d as Json).node),
        },
        postgraphile: {
          path: '/graphql',
          body: graphql(pg('1-node.graphql'), (s) => ({ id: postgraphileNodeId('school_classes', s.classId) })),
          digest: (d) => classDigest((d as Json).node),
        },
        raw: { path: '/raw/node', body: (s) => ({ variables: { id: s.classId } }), digest: (d) => classDigest((d as Json).node) },
      },
    },
    {
      id: 2,
      name: 'classes',
      title: `${PAGE_SIZE} classes with school, town and languages`,
      targets: {
        ours: {
          path: '/graphql',
          body: graphql(ours('2-classes.graphql'), (s) => ({ first: PAGE_SIZE, after: ourCursor(s.pageCreatedAt, s.pageClassId) })),
          digest: (d) => pageDigest((d as Json).schoolClasses.edges, (n) => n.school, (n) => n.languages),
        },
        postgraphile: {
          path: '/graphql',
          body: graphql(pg('2-classes.graphql'), (s) => ({ first: PAGE_SIZE, after: postgraphileCursor(s.pageCreatedAt, s.pageClassId) })),
          digest: (d) =>
            pageDigest((d as Json).allSchoolClasses.edges, (n) => n.schoolBySchoolId, (n) => n.classLanguagesByClassId.nodes),
        },
        raw: {
          path: '/raw/classes',
          body: (s) => ({ variables: { createdAt: s.pageCreatedAt, id: s.pageClassId, first: PAGE_SIZE } }),
          digest: (d) => pageDigest((d as Json).schoolClasses.edges, (n) => n.school, (n) => n.languages),
        },
      },
    },
    {
      id: 3,
      name: 'school-tree',
      title: 'a school → classes → pairings → partner classes → schools',
      targets: {
        ours: {
          path: '/graphql',
          body: graphql(ours('3-school-tree.graphql'), (s) => ({ id: toGlobalId('School', s.schoolId) })),
          digest: (d) => ourTree((d as Json).school),
        },
        postgraphile: {
          path: '/graphql',
          body: graphql(pg('3-school-tree.graphql'), (s) => ({ id: s.schoolId })),
          digest: (d) => {
            const school = (d as Json).schoolById;
            if (!school) return null;
            return treeDigest(
              school.name,
              school.schoolClassesBySchoolId.edges.map(({ node }: Json) => {
                const id = localId(node.nodeId);
                const asA = node.languagePairingsByClassAId.edges.map(({ node: p }: Json) => ({
                  id: localId(p.nodeId),
                  a: id,
                  b: localId(p.schoolClassByClassBId.nodeId),
                  schoolA: 0,
                  schoolB: localId(p.schoolClassByClassBId.schoolBySchoolId.nodeId),
                }));
                const asB = node.languagePairingsByClassBId.edges.map(({ node: p }: Json) => ({
                  id: localId(p.nodeId),
                  a: localId(p.schoolClassByClassAId.nodeId),
                  b: id,
                  schoolA: localId(p.schoolClassByClassAId.schoolBySchoolId.nodeId),
                  schoolB: 0,
                }));
                return { id, pairings: [...asA, ...asB] };
              }),
            );
          },
        },
        raw: { path: '/raw/schoolTree', body: (s) => ({ variables: { id: s.schoolId } }), digest: (d) => ourTree((d as Json).school) },
      },
    },
    {
      id: 4,
      name: 'exchange',
      title: "an exchange's detail: visits, host schools, goals, evaluations, budget, funding",
      targets: {
        ours: {
          path: '/graphql',
          body: graphql(ours('4-exchange.graphql'), (s) => ({ id: toGlobalId('Exchange', s.exchangeId) })),
          digest: (d) => exchangeDigest((d as Json).exchange, OUR_EXCHANGE),
        },
        postgraphile: {
          path: '/graphql',
          body: graphql(pg('4-exchange.graphql'), (s) => ({ id: s.exchangeId })),
          digest: (d) =>
            exchangeDigest((d as Json).exchangeById, {
              visits: 'visitsByExchangeId',
              school: 'schoolByHostSchoolId',
              town: 'townByTownId',
              goals: 'goalsByExchangeId',
              evaluations: 'evaluationsByGoalId',
              lines: 'budgetLinesByExchangeId',
              funding: 'fundingSourcesByExchangeId',
            }),
        },
        raw: { path: '/raw/exchange', body: (s) => ({ variables: { id: s.exchangeId } }), digest: (d) => exchangeDigest((d as Json).exchange, OUR_EXCHANGE) },
      },
    },
    {
      id: 5,
      name: 'partner-suggestions',
      title: '`partnerSuggestions(first: 20)` for a class',
      targets: {
        ours: {
          path: '/graphql',
          body: graphql(ours('5-partner-suggestions.graphql'), (s) => ({ id: toGlobalId('SchoolClass', s.classId) })),
          digest: (d) => (d as Json).partnerSuggestions.edges.length,
        },
      },
    },
    {
      id: 6,
      name: 'write-mix',
      title: 'a write mix: `createSchoolClass`, `proposePairing`, `addBudgetLine` in turn',
      writes: true,
      targets: {
        ours: {
          path: '/graphql',
          body: (s) => writeBody(s.write!, writeQueries),
          digest: (d) => {
            const [payload] = Object.values(d as Json) as Json[];
            return payload!.userErrors.length;
          },
          ok: writeOk,
        },
      },
    },
  ];
}

function writeBody(w: Write, q: { createClass: string; proposePairing: string; addBudgetLine: string }) {
  switch (w.kind) {
    case 'class':
      return {
        query: q.createClass,
        variables: {
          input: {
            schoolId: toGlobalId('School', w.schoolId),
            label: w.label,
            ageMin: 11,
            ageMax: 12,
            pupilCount: 22,
            subjects: ['geography'],
            themes: ['ENVIRONMENT'],
            languages: [
              { language: 'en', role: 'INSTRUCTION' },
              { language: 'fr', role: 'LEARNING', level: 'A2' },
            ],
          },
        },
      };
    case 'pairing':
      return {
        query: q.proposePairing,
        variables: {
          input: {
            classId: toGlobalId('SchoolClass', w.classA),
            partnerClassId: toGlobalId('SchoolClass', w.classB),
            languageA: w.languageA,
            languageB: w.languageB,
            mode: 'VIDEO',
          },
        },
      };
    case 'line':
      return {
        query: q.addBudgetLine,
        variables: { input: { exchangeId: toGlobalId('Exchange', w.exchangeId), category: 'ACTIVITIES', description: w.description, amountMinor: 12_500, currency: 'EUR', basis: 'TOTAL' } },
      };
  }
}

/**
 * `count` samples of existing ids, the same for every server and every run
 * with the same seed and data: a class, a school, and a page start (a class
 * with at least PAGE_SIZE classes after it in the default order).
 */
export async function buildSamples(orm: Orm, count: number, seed: number): Promise<Sample[]> {
  const conn = orm.em.getConnection();
  const classIds = (await conn.execute<{ id: number }[]>(`select id from school_class where label not like 'Bench write %' order by id`)).map((r) => Number(r.id));
  const schoolIds = (await conn.execute<{ id: number }[]>('select id from school order by id')).map((r) => Number(r.id));
  const exchangeIds = (await conn.execute<{ id: number }[]>('select id from exchange order by id')).map((r) => Number(r.id));
  const next = mulberry32(seed);
  const pick = <T>(list: T[], from = 0) => list[from + Math.floor(next() * (list.length - from))]!;
  const picked = Array.from({ length: count }, () => ({
    classId: pick(classIds),
    schoolId: pick(schoolIds),
    // Newest first: the PAGE_SIZE smallest ids are the tail of the last page.
    pageClassId: pick(classIds, PAGE_SIZE),
    exchangeId: exchangeIds.length ? pick(exchangeIds) : 0,
  }));
  const createdAt = new Map(
    (
      await conn.execute<{ id: number; t: string }[]>(
        `select id, to_json(created_at) #>> '{}' as t from school_class where id = any(?::int[])`,
        [`{${[...new Set(picked.map((p) => p.pageClassId))].join(',')}}`],
      )
    ).map((r) => [Number(r.id), r.t]),
  );
  return picked.map((p) => ({ ...p, pageCreatedAt: createdAt.get(p.pageClassId)! }));
}


/**
 * `count` write samples for scenario 6, cycling class, pairing, budget line;
 * the read fields are those of `reads` in turn. Pairings: reciprocal pairs
 * (A taught in what B learns and the reverse), classes of different schools,
 * both looking for partners and open to VIDEO, with no pairing between them;
 * each pair once. Budget lines go to exchanges that are not closed, each in
 * turn. Throws when the data set cannot give count / 3 distinct pairs.
 */
export async function buildWriteSamples(orm: Orm, reads: Sample[], count: number, seed: number): Promise<Sample[]> {
  const conn = orm.em.getConnection();
  const perKind = Math.ceil(count / 3);
  const pairs = await conn.execute<{ a: number; b: number; la: string; lb: string }[]>(
    `with k as (
       select c.id, c.school_id, i.language as inst, l.language as learn
         from school_class c
         join class_language i on i.class_id = c.id and i.role = 'INSTRUCTION'
         join class_language l on l.class_id = c.id and l.role = 'LEARNING'
        where c.looking_for_partners and 'VIDEO' = any(c.pairing_modes) and i.language <> l.language
     ), n as (select *, row_number() over (partition by inst, learn order by md5(id::text || ?)) as rn from k)
     select a.id as a, b.id as b, a.inst as la, b.inst as lb
       from n a
       join n b on b.inst = a.learn and b.learn = a.inst and b.rn = a.rn and b.school_id <> a.school_id
      where a.inst < a.learn
        and not exists (select 1 from language_pairing p where (p.class_a_id = a.id and p.class_b_id = b.id) or (p.class_a_id = b.id and p.class_b_id = a.id))
      order by md5(a.id::text || ':' || b.id::text || ?)
      limit ?`,
    [String(seed), String(seed), perKind],
  );
  if (pairs.length < perKind) throw new Error(`scenario 6: only ${pairs.length} unpaired reciprocal pairs, ${perKind} needed`);
  const open = (await conn.execute<{ id: number }[]>(`select id from exchange where status not in ('COMPLETED', 'CANCELLED') order by id`)).map((r) => Number(r.id));
  const schools = [...new Set(reads.map((r) => r.schoolId))];
  const next = mulberry32(seed);
  const exchangeOffset = Math.floor(next() * open.length);
  const tag = Date.now().toString(36);
  return Array.from({ length: count }, (_, i) => {
    const j = Math.floor(i / 3);
    const p = pairs[j]!;
    const write: Write =
      i % 3 === 0
        ? { kind: 'class', schoolId: schools[j % schools.length]!, label: `${WRITE_LABEL}${tag} ${j}` }
        : i % 3 === 1
          ? { kind: 'pairing', classA: Number(p.a), classB: Number(p.b), languageA: p.la, languageB: p.lb }
          : { kind: 'line', exchangeId: open[(exchangeOffset + j) % open.length]!, description: `Bench write ${tag} ${j}: museum workshop` };
    return { ...reads[i % reads.length]!, write };
  });
}

/** Label prefix of the classes scenario 6 creates (kept out of the read samples). */
export const WRITE_LABEL = 'Bench write ';
