import fs from 'node:fs';
import path from 'node:path';
import type { Orm } from '../db';
import { toGlobalId } from '../lib/global-id';
import type { ServerName } from './servers';

const QUERY_DIR = path.resolve('bench', 'queries');

/** Per request: the variables of one call, built from the sampled ids. */
type Sample = {
  classId: number;
  schoolId: number;
  /** Page start of scenario 2: a class and its created_at, as text (full precision). */
  pageClassId: number;
  pageCreatedAt: string;
};

/** How one server is asked for a scenario: the HTTP path and the JSON body of each sample. */
export type Target = {
  path: string;
  body(sample: Sample): unknown;
  /** The response reduced to what all servers must agree on (ids as numbers). */
  digest(data: unknown): unknown;
};

export type Scenario = {
  id: number;
  name: string;
  title: string;
  targets: Partial<Record<ServerName, Target>>;
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

/** Scenarios 1, 2, 3 and 5. Scenario 4 (exchange detail) and 6 (write mix) plug in here when exchanges exist. */
export function scenarios(): Scenario[] {
  const ours = (file: string) => readQuery('ours', file);
  const pg = (file: string) => readQuery('postgraphile', file);
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
  ];
}

/** mulberry32: small, fast, seeded. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` samples of existing ids, the same for every server and every run
 * with the same seed and data: a class, a school, and a page start (a class
 * with at least PAGE_SIZE classes after it in the default order).
 */
export async function buildSamples(orm: Orm, count: number, seed: number): Promise<Sample[]> {
  const conn = orm.em.getConnection();
  const classIds = (await conn.execute<{ id: number }[]>('select id from school_class order by id')).map((r) => Number(r.id));
  const schoolIds = (await conn.execute<{ id: number }[]>('select id from school order by id')).map((r) => Number(r.id));
  const next = random(seed);
  const pick = <T>(list: T[], from = 0) => list[from + Math.floor(next() * (list.length - from))]!;
  const picked = Array.from({ length: count }, () => ({
    classId: pick(classIds),
    schoolId: pick(schoolIds),
    // Newest first: the PAGE_SIZE smallest ids are the tail of the last page.
    pageClassId: pick(classIds, PAGE_SIZE),
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
