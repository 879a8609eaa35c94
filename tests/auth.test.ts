import { createHash, randomBytes } from 'node:crypto';
import {
  AuditEntriesDocument,
  ClassIdsDocument,
  ClassPrivateDocument,
  CreateApiTokenDocument,
  CreateSchoolClassDocument,
  CreateSchoolDocument,
  CreateTwinLinkDocument,
  CreateUserDocument,
  DeleteSchoolClassDocument,
  DeleteSchoolDocument,
  EndTwinLinkDocument,
  GrantRoleDocument,
  GrantRoleWithPrivateFieldsDocument,
  NodeDocument,
  NodesDocument,
  NodePrivateDocument,
  NodesPrivateDocument,
  RevokeApiTokenDocument,
  RevokeRoleDocument,
  SchoolClassDocument,
  SchoolClassIdsDocument,
  SchoolContactDocument,
  SchoolsWithClassIdsDocument,
  TownsDocument,
  UpdateSchoolClassDocument,
  UpdateSchoolDocument,
  ViewerDocument,
  type CreateApiTokenInput,
} from '../schema/generated/graphql';
import { createContext } from '../src/context';
import type { Orm } from '../src/db';
import { toGlobalId } from '../src/lib/global-id';
import { classInput, createClass, createSchool } from './fixtures/schools';
import { insertTowns, type TownName } from './fixtures/towns';
import { createTestApi, createUserWithToken, expectData, expectErrorCode, type ExecResult, type Executor, type TestApi } from './helpers/api';

/*
 * Who may do what (PRODUCT.md, "Who may do what"), as tables a reader can scan.
 * Two schools in different towns: X (Stockholm) and Y (Paris), each with one
 * class looking for partners ("open") and one that is not ("private").
 * Teacher A teaches X's private class, teacher B Y's private class.
 */
const ROLES = ['anonymous', 'app', 'teacherA', 'teacherB', 'coordX', 'coordY', 'admin'] as const;
type RoleName = (typeof ROLES)[number];
type Row = Record<RoleName, string>;

/** Parses matrix rows: one whitespace-separated cell per role, in ROLES order. */
function matrix<K extends string>(rows: Record<K, string>): Record<K, Row> {
  const out = {} as Record<K, Row>;
  for (const [key, cells] of Object.entries(rows) as [K, string][]) {
    const parts = cells.trim().split(/\s+/);
    if (parts.length !== ROLES.length) throw new Error(`matrix row "${key}" has ${parts.length} cells, not ${ROLES.length}`);
    out[key] = Object.fromEntries(ROLES.map((role, i) => [role, parts[i]])) as Row;
  }
  return out;
}

/**
 * Reads. Y: the caller gets the value; -: not (null with FORBIDDEN at that
 * path for a field, or absent everywhere for an object). U/F: the whole query
 * fails with UNAUTHENTICATED/FORBIDDEN.
 */
const READS = matrix({
  //                                          anon  app  tchA tchB crdX crdY admin
  'School X .contactEmail':                   ' -    -    Y    -    Y    -    Y',
  'School Y .contactEmail':                   ' -    -    -    Y    -    Y    Y',
  'class X-open (looking for partners)':      ' Y    Y    Y    Y    Y    Y    Y',
  'class X-private':                          ' -    -    Y    -    Y    -    Y',
  'class Y-open (looking for partners)':      ' Y    Y    Y    Y    Y    Y    Y',
  'class Y-private':                          ' -    -    -    Y    -    Y    Y',
  'X-open .internalNotes':                    ' -    -    -    -    Y    -    Y',
  'X-private .internalNotes':                 ' -    -    Y    -    Y    -    Y',
  'Y-open .internalNotes':                    ' -    -    -    -    -    Y    Y',
  'Y-private .internalNotes':                 ' -    -    -    Y    -    Y    Y',
  'User teacher A (node, email, roles)':      ' -    -    Y    -    -    -    Y',
  "ApiToken of teacher A (node)":             ' -    -    Y    -    -    -    Y',
  auditEntries:                               ' U    F    F    F    F    F    Y',
});

/** Mutations. Y: done (no userErrors); F: FORBIDDEN; U: UNAUTHENTICATED. Refused ones change nothing. */
const MUTATIONS = matrix({
  //                                          anon  app  tchA tchB crdX crdY admin
  createSchool:                               ' U    F    F    F    F    F    Y',
  'updateSchool X':                           ' U    F    F    F    Y    F    Y',
  deleteSchool:                               ' U    F    F    F    F    F    Y',
  'createSchoolClass in X':                   ' U    F    F    F    Y    F    Y',
  'updateSchoolClass X-private (A teaches)':  ' U    F    Y    F    Y    F    Y',
  'updateSchoolClass Y-private (B teaches)':  ' U    F    F    Y    F    Y    Y',
  'updateSchoolClass X-open':                 ' U    F    F    F    Y    F    Y',
  'deleteSchoolClass of X (A teaches)':       ' U    F    F    F    Y    F    Y',
  createTwinLink:                             ' U    F    F    F    F    F    Y',
  endTwinLink:                                ' U    F    F    F    F    F    Y',
  createUser:                                 ' U    F    F    F    F    F    Y',
  'grantRole TEACHER of X-open':              ' U    F    F    F    Y    F    Y',
  'revokeRole TEACHER of X-open':             ' U    F    F    F    Y    F    Y',
  'grantRole COORDINATOR of X':               ' U    F    F    F    F    F    Y',
  'revokeRole COORDINATOR of X':              ' U    F    F    F    F    F    Y',
  'grantRole ADMIN':                          ' U    F    F    F    F    F    Y',
  'createApiToken for myself':                ' U    F    Y    Y    Y    Y    Y',
  'createApiToken for another user':          ' U    F    F    F    F    F    Y',
  'createApiToken for an app':                ' U    F    F    F    F    F    Y',
  'revokeApiToken of teacher A':              ' U    F    Y    F    F    F    Y',
});

let api: TestApi;
let towns: Record<TownName, string>;
const as = {} as Record<RoleName, Executor>;
const tokenOf = {} as Record<Exclude<RoleName, 'anonymous'>, string>;
const userIdOf = {} as Record<Exclude<RoleName, 'anonymous' | 'app'> | 'bystander', number>;
let schoolX: string;
let schoolY: string;
const cls = {} as Record<'xOpen' | 'xPrivate' | 'yOpen' | 'yPrivate', string>;
const NOTES = { xOpen: 'X open: notes', xPrivate: 'X private: notes', yOpen: 'Y open: notes', yPrivate: 'Y private: notes' };
const CONTACT = { X: 'office@school-x.example.se', Y: 'secretariat@ecole-y.example.fr' };
/** A user with no role, who gets roles granted and revoked in some tests. */
let bystanderToken: string;
/** Every plain token this file has seen, for the "stored nowhere" check. */
const plainTokens: string[] = [];

const userGid = (name: keyof typeof userIdOf) => toGlobalId('User', userIdOf[name]);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** The API with a raw Authorization header (the helper always writes "Bearer <token>"). */
function withHeader(authorization: string): Executor {
  return {
    async exec(doc, variables) {
      const response = await api.app.apollo.executeOperation(
        { query: doc, variables },
        { contextValue: createContext(api.orm, { authorization, ip: '127.0.0.1' }) },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      const { data, errors } = response.body.singleResult;
      return { data: data as never, errors, http: { status: response.http.status, headers: new Map(response.http.headers) } };
    },
  };
}

/** Every table a mutation here may touch, with its order. */
const SNAPSHOT_TABLES: [table: string, orderBy: string][] = [
  ['town', 'id'],
  ['twin_link', 'id'],
  ['school', 'id'],
  ['school_class', 'id'],
  ['class_language', 'id'],
  ['availability_window', 'id'],
  ['app_user', 'id'],
  ['school_coordinator', 'user_id, school_id'],
  ['class_teacher', 'user_id, class_id'],
  ['api_client', 'id'],
  ['api_token', 'id'],
];

/**
 * Every row of the domain tables (those of tests/helpers/snapshot.ts) and of
 * the accounts, in one statement: equal snapshots mean nothing changed.
 * Not audit_entry (refused attempts are recorded, on purpose), nor
 * api_token.last_used_at (any use of a token may refresh it).
 */
async function snapshotAll(orm: Orm): Promise<unknown> {
  const parts = SNAPSHOT_TABLES.map(([table, orderBy]) => {
    const order = orderBy.split(', ').map((c) => `x.${c}`).join(', ');
    return `'${table}', (select coalesce(jsonb_agg(to_jsonb(x) - 'last_used_at' order by ${order}), '[]'::jsonb) from ${table} x)`;
  });
  const [row] = await orm.em.getConnection().execute<{ snapshot: unknown }[]>(`select jsonb_build_object(${parts.join(', ')}) as snapshot`);
  return typeof row!.snapshot === 'string' ? JSON.parse(row!.snapshot) : row!.snapshot;
}

/** "CODE@path.to.field" for every top-level error. */
function errorsAt(res: ExecResult<unknown>): string[] {
  return (res.errors ?? []).map((e) => `${String(e.extensions?.code)}@${(e.path ?? []).join('.')}`);
}

/** The outcome of a whole query or mutation: U, F, another code, or undefined when it ran. */
function refusal(res: ExecResult<unknown>): string | undefined {
  if (!res.errors?.length || res.data) return undefined;
  const codes = res.errors.map((e) => e.extensions?.code);
  if (codes.length === 1 && codes[0] === 'UNAUTHENTICATED') return 'U';
  if (codes.length === 1 && codes[0] === 'FORBIDDEN') return 'F';
  return `error:${codes.join(',')}`;
}

/** All views agree: their common answer; otherwise each view's answer, so the diff names the odd one out. */
function agree(views: Record<string, string>): string {
  const answers = new Set(Object.values(views));
  return answers.size === 1 ? [...answers][0]! : Object.entries(views).map(([k, v]) => `${k}:${v}`).join(' ');
}

async function grant(input: { userId: string; role: 'ADMIN' | 'COORDINATOR' | 'TEACHER'; schoolId?: string; classId?: string }) {
  const data = expectData(await api.admin.exec(GrantRoleDocument, { input }));
  expect(data.grantRole.userErrors).toEqual([]);
}

async function tokenIdOf(token: string): Promise<number> {
  const [row] = await api.orm.em.getConnection().execute<{ id: number }[]>('select id from api_token where token_hash = ?', [sha256(token)]);
  return row!.id;
}

const sql = (text: string, params: unknown[] = []) => api.orm.em.getConnection().execute(text, params);
const localId = (gid: string) => Number(Buffer.from(gid, 'base64url').toString().split(':')[1]);
/** The payload of a mutation (its only root field). */
const payloadOf = (res: ExecResult<Record<string, unknown>>) => Object.values(res.data ?? {})[0] as Record<string, unknown> | undefined;

beforeAll(async () => {
  api = await createTestApi();
  towns = await insertTowns(api.orm);
  schoolX = (await createSchool(api, towns.Stockholm, { name: 'School X', contactEmail: CONTACT.X })).id;
  schoolY = (await createSchool(api, towns.Paris, { name: 'School Y', instructionLanguages: ['fr'], contactEmail: CONTACT.Y })).id;
  cls.xOpen = (await createClass(api, schoolX, { label: 'X-open', internalNotes: NOTES.xOpen })).id;
  cls.xPrivate = (await createClass(api, schoolX, { label: 'X-private', lookingForPartners: false, internalNotes: NOTES.xPrivate })).id;
  cls.yOpen = (await createClass(api, schoolY, { label: 'Y-open', internalNotes: NOTES.yOpen })).id;
  cls.yPrivate = (await createClass(api, schoolY, { label: 'Y-private', lookingForPartners: false, internalNotes: NOTES.yPrivate })).id;

  userIdOf.admin = api.admin.userId;
  tokenOf.admin = api.admin.token;
  for (const [role, name] of [
    ['teacherA', 'Teacher A'],
    ['coordX', 'Coordinator X'],
    ['coordY', 'Coordinator Y'],
    ['bystander', 'Bystander'],
  ] as const) {
    const { userId, token } = await createUserWithToken(api.orm, name);
    userIdOf[role] = userId;
    if (role !== 'bystander') tokenOf[role] = token;
    else bystanderToken = token;
  }
  // Teacher B goes through the API: createUser, then a token made for them by the admin.
  const created = expectData(await api.admin.exec(CreateUserDocument, { input: { name: 'Teacher B', email: 'teacher.b@ecole-y.example.fr' } }));
  expect(created.createUser.userErrors).toEqual([]);
  const teacherB = created.createUser.user!;
  userIdOf.teacherB = localId(teacherB.id);
  const issued = expectData(await api.admin.exec(CreateApiTokenDocument, { input: { userId: teacherB.id, label: 'for teacher B' } }));
  expect(issued.createApiToken.userErrors).toEqual([]);
  tokenOf.teacherB = issued.createApiToken.token!;
  // The app: a client token with the public scope.
  const app = expectData(await api.admin.exec(CreateApiTokenDocument, { input: { clientName: 'School portal', scopes: ['PUBLIC_READ'] } }));
  expect(app.createApiToken.userErrors).toEqual([]);
  tokenOf.app = app.createApiToken.token!;

  await grant({ userId: userGid('coordX'), role: 'COORDINATOR', schoolId: schoolX });
  await grant({ userId: userGid('coordY'), role: 'COORDINATOR', schoolId: schoolY });
  await grant({ userId: userGid('teacherA'), role: 'TEACHER', classId: cls.xPrivate });
  await grant({ userId: userGid('teacherB'), role: 'TEACHER', classId: cls.yPrivate });

  as.anonymous = api;
  for (const role of ROLES) if (role !== 'anonymous') as[role] = api.as(tokenOf[role]);
  plainTokens.push(...Object.values(tokenOf), bystanderToken);
});
afterAll(() => api.close());

describe('who is calling: viewer', () => {
  it('tells each role its kind, scopes, roles, schools and classes', async () => {
    const all = ['PUBLIC_READ', 'EXCHANGES_READ', 'EXCHANGES_WRITE'];
    const ids = (c: { edges: { node: { id: string } }[] }) => c.edges.map((e) => e.node.id);
    const expected: Record<RoleName, unknown> = {
      anonymous: { kind: 'ANONYMOUS', isAdmin: false, scopes: ['PUBLIC_READ'], user: null, roles: [], schools: [], classes: [] },
      app: { kind: 'CLIENT', isAdmin: false, scopes: ['PUBLIC_READ'], user: null, roles: [], schools: [], classes: [] },
      teacherA: { kind: 'USER', isAdmin: false, scopes: all, user: userGid('teacherA'), roles: [['TEACHER', null, cls.xPrivate]], schools: [], classes: [cls.xPrivate] },
      teacherB: { kind: 'USER', isAdmin: false, scopes: all, user: userGid('teacherB'), roles: [['TEACHER', null, cls.yPrivate]], schools: [], classes: [cls.yPrivate] },
      coordX: { kind: 'USER', isAdmin: false, scopes: all, user: userGid('coordX'), roles: [['COORDINATOR', schoolX, null]], schools: [schoolX], classes: [] },
      coordY: { kind: 'USER', isAdmin: false, scopes: all, user: userGid('coordY'), roles: [['COORDINATOR', schoolY, null]], schools: [schoolY], classes: [] },
      admin: { kind: 'USER', isAdmin: true, scopes: all, user: userGid('admin'), roles: [['ADMIN', null, null]], schools: [], classes: [] },
    };
    for (const role of ROLES) {
      const { viewer } = expectData(await as[role].exec(ViewerDocument));
      expect(viewer.schools.totalCount).toBe(viewer.schools.edges.length);
      expect(viewer.classes.totalCount).toBe(viewer.classes.edges.length);
      const actual = {
        kind: viewer.kind,
        isAdmin: viewer.isAdmin,
        scopes: viewer.scopes,
        user: viewer.user?.id ?? null,
        roles: viewer.roles.map((r) => [r.role, r.school?.id ?? null, r.schoolClass?.id ?? null]),
        schools: ids(viewer.schools),
        classes: ids(viewer.classes),
      };
      expect({ role, ...actual }).toEqual({ role, ...(expected[role] as object) });
      // A person reads their own e-mail address.
      if (viewer.user) expect(viewer.user.email).toMatch(/@/);
    }
  });
});

describe('permission matrix: reads', () => {
  it('School.contactEmail: its coordinators, teachers of its classes and admins; null with FORBIDDEN for everyone else, on every path', async () => {
    const actual = { 'School X .contactEmail': {} as Row, 'School Y .contactEmail': {} as Row };
    for (const role of ROLES) {
      for (const [key, school, openClass, email] of [
        ['School X .contactEmail', schoolX, cls.xOpen, CONTACT.X],
        ['School Y .contactEmail', schoolY, cls.yOpen, CONTACT.Y],
      ] as const) {
        const views: Record<string, string> = {};
        // school(id:)
        const direct = await as[role].exec(SchoolContactDocument, { id: school });
        views.school = direct.data?.school?.id !== school ? 'missing' : fieldOutcome(direct, direct.data.school.contactEmail, email, 'school.contactEmail');
        // node(id:)
        const node = await as[role].exec(NodePrivateDocument, { id: school });
        const n = node.data?.node;
        views.node = n?.__typename !== 'School' ? 'missing' : fieldOutcome(node, n.contactEmail, email, 'node.contactEmail');
        // nested: schoolClass(id:).school (the open class, visible to all)
        const nested = await as[role].exec(ClassPrivateDocument, { id: openClass });
        const s = nested.data?.schoolClass?.school;
        views.nested = !s ? 'missing' : fieldOutcome(nested, s.contactEmail, email, 'schoolClass.school.contactEmail', ['schoolClass.internalNotes']);
        actual[key][role] = agree(views);
      }
    }
    expect(actual).toEqual({ 'School X .contactEmail': READS['School X .contactEmail'], 'School Y .contactEmail': READS['School Y .contactEmail'] });
  });

  it('private classes are invisible (lists, totalCount, nested lists, schoolClass, node, nodes) except to admins, their coordinators and teachers', async () => {
    const keys = {
      xOpen: 'class X-open (looking for partners)',
      xPrivate: 'class X-private',
      yOpen: 'class Y-open (looking for partners)',
      yPrivate: 'class Y-private',
    } as const;
    const actual = Object.fromEntries(Object.values(keys).map((k) => [k, {} as Row])) as Record<(typeof keys)[keyof typeof keys], Row>;
    for (const role of ROLES) {
      const views: Record<keyof typeof cls, Record<string, string>> = { xOpen: {}, xPrivate: {}, yOpen: {}, yPrivate: {} };
      const mark = (view: string, seen: Iterable<string>, only: (keyof typeof cls)[] = ['xOpen', 'xPrivate', 'yOpen', 'yPrivate']) => {
        const set = new Set(seen);
        for (const c of only) views[c][view] = set.has(cls[c]) ? 'Y' : '-';
      };
      const listed = (conn: { totalCount: number; edges: { node: { id: string } }[] }, what: string) => {
        // totalCount never counts what the list does not show (each list fits on one page here).
        expect({ role, what, totalCount: conn.totalCount }).toEqual({ role, what, totalCount: conn.edges.length });
        return conn.edges.map((e) => e.node.id);
      };

      const all = expectData(await as[role].exec(ClassIdsDocument, {})).schoolClasses;
      mark('schoolClasses', listed(all, 'schoolClasses'));
      const closed = expectData(await as[role].exec(ClassIdsDocument, { filter: { lookingForPartners: false } })).schoolClasses;
      mark('schoolClasses(lookingForPartners: false)', listed(closed, 'closed'), ['xPrivate', 'yPrivate']);
      const bySchool = [];
      for (const school of [schoolX, schoolY]) {
        const filtered = expectData(await as[role].exec(ClassIdsDocument, { filter: { schoolId: school } })).schoolClasses;
        bySchool.push(...listed(filtered, `schoolClasses(schoolId)`));
      }
      mark('schoolClasses(schoolId)', bySchool);
      const nested = [];
      for (const school of [schoolX, schoolY]) {
        const res = await as[role].exec(SchoolClassIdsDocument, { id: school });
        // internalNotes may be refused here (checked in the next test); nothing else may fail.
        expect(errorsAt(res).filter((e) => !/^FORBIDDEN@school\.classes\.edges\.\d+\.node\.internalNotes$/.test(e))).toEqual([]);
        nested.push(...listed(res.data!.school!.classes, 'school.classes'));
      }
      mark('school(id).classes', nested);
      const schools = expectData(await as[role].exec(SchoolsWithClassIdsDocument, {})).schools.edges;
      mark('schools.classes', schools.flatMap((s) => listed(s.node.classes, 'schools.classes')));
      const nodes = await as[role].exec(NodesPrivateDocument, { ids: Object.values(cls) });
      expect(nodes.data!.nodes.map((n) => n === null || n.__typename === 'SchoolClass')).toEqual([true, true, true, true]);
      mark('nodes', nodes.data!.nodes.flatMap((n) => (n ? [n.id] : [])));
      for (const c of Object.keys(cls) as (keyof typeof cls)[]) {
        const one = expectData(await as[role].exec(SchoolClassDocument, { id: cls[c] })).schoolClass;
        views[c].schoolClass = one?.id === cls[c] ? 'Y' : one === null ? '-' : 'odd';
        const node = expectData(await as[role].exec(NodeDocument, { id: cls[c] })).node;
        views[c].node = node?.id === cls[c] ? 'Y' : node === null ? '-' : 'odd';
      }
      for (const c of Object.keys(cls) as (keyof typeof cls)[]) actual[keys[c]][role] = agree(views[c]);
    }
    expect(actual).toEqual(Object.fromEntries(Object.values(keys).map((k) => [k, READS[k]])));
  });

  it('SchoolClass.internalNotes: the class\'s teachers, its coordinators and admins; null with FORBIDDEN for others, on every path', async () => {
    const keys = {
      xOpen: 'X-open .internalNotes',
      xPrivate: 'X-private .internalNotes',
      yOpen: 'Y-open .internalNotes',
      yPrivate: 'Y-private .internalNotes',
    } as const;
    const actual = Object.fromEntries(Object.values(keys).map((k) => [k, {} as Row])) as Record<(typeof keys)[keyof typeof keys], Row>;
    for (const role of ROLES) {
      const ids = Object.values(cls);
      const nodes = await as[role].exec(NodesPrivateDocument, { ids });
      const nested = { [schoolX]: await as[role].exec(SchoolClassIdsDocument, { id: schoolX }), [schoolY]: await as[role].exec(SchoolClassIdsDocument, { id: schoolY }) };
      for (const c of Object.keys(cls) as (keyof typeof cls)[]) {
        const views: Record<string, string> = {};
        const one = await as[role].exec(ClassPrivateDocument, { id: cls[c] });
        views.schoolClass = !one.data?.schoolClass
          ? '-'
          : fieldOutcome(one, one.data.schoolClass.internalNotes, NOTES[c], 'schoolClass.internalNotes', ['schoolClass.school.contactEmail']);
        const node = await as[role].exec(NodePrivateDocument, { id: cls[c] });
        const n = node.data?.node;
        views.node = !n ? '-' : n.__typename !== 'SchoolClass' ? 'odd' : fieldOutcome(node, n.internalNotes, NOTES[c], 'node.internalNotes');
        const i = ids.indexOf(cls[c]);
        const fromNodes = nodes.data!.nodes[i];
        views.nodes = !fromNodes
          ? '-'
          : fromNodes.__typename !== 'SchoolClass'
            ? 'odd'
            : fieldOutcome(nodes, fromNodes.internalNotes, NOTES[c], `nodes.${i}.internalNotes`, [/^nodes\.\d+\.internalNotes$/]);
        const school = c.startsWith('x') ? schoolX : schoolY;
        const list = nested[school]!;
        const edges = list.data!.school!.classes.edges;
        const j = edges.findIndex((e) => e.node.id === cls[c]);
        views['school.classes'] =
          j < 0
            ? '-'
            : fieldOutcome(list, edges[j]!.node.internalNotes, NOTES[c], `school.classes.edges.${j}.node.internalNotes`, [
                /^school\.classes\.edges\.\d+\.node\.internalNotes$/,
              ]);
        actual[keys[c]][role] = agree(views);
      }
    }
    expect(actual).toEqual(Object.fromEntries(Object.values(keys).map((k) => [k, READS[k]])));
  });

  it('a User and an ApiToken are visible (with e-mail and roles) only to themselves / their owner and admins', async () => {
    const tokenA = toGlobalId('ApiToken', await tokenIdOf(tokenOf.teacherA));
    const actual = { 'User teacher A (node, email, roles)': {} as Row, 'ApiToken of teacher A (node)': {} as Row };
    for (const role of ROLES) {
      const user = await as[role].exec(NodePrivateDocument, { id: userGid('teacherA') });
      const u = user.data?.node;
      actual['User teacher A (node, email, roles)'][role] =
        u === null && !user.errors
          ? '-'
          : u?.__typename === 'User' && !user.errors && u.email?.includes('@') && JSON.stringify(u.roles) === '[{"role":"TEACHER"}]'
            ? 'Y'
            : `odd:${JSON.stringify(user)}`;
      const both = await as[role].exec(NodesPrivateDocument, { ids: [userGid('teacherA'), tokenA] });
      const token = await as[role].exec(NodePrivateDocument, { id: tokenA });
      const t = token.data?.node;
      actual['ApiToken of teacher A (node)'][role] =
        t === null && !token.errors && both.data!.nodes[1] === null
          ? '-'
          : t?.__typename === 'ApiToken' && t.id === tokenA && both.data!.nodes[1]?.id === tokenA
            ? 'Y'
            : `odd:${JSON.stringify(token)}`;
      // nodes(ids:) answers exactly like node(id:).
      expect(both.data!.nodes[0] === null).toBe(u === null);
    }
    expect(actual).toEqual({
      'User teacher A (node, email, roles)': READS['User teacher A (node, email, roles)'],
      'ApiToken of teacher A (node)': READS['ApiToken of teacher A (node)'],
    });
  });

  it('auditEntries: admins only', async () => {
    const actual = {} as Row;
    for (const role of ROLES) {
      const res = await as[role].exec(AuditEntriesDocument, { first: 5 });
      actual[role] = refusal(res) ?? (res.data?.auditEntries.edges.length ? 'Y' : `odd:${JSON.stringify(res)}`);
    }
    expect(actual).toEqual(READS.auditEntries);
  });
});

/**
 * One field of a response: Y when it has the expected value and no error,
 * - when it is null with exactly a FORBIDDEN error at its path. `ignore`:
 * other paths whose errors belong to another check.
 */
function fieldOutcome(res: ExecResult<unknown>, value: unknown, expected: unknown, path: string, ignore: (string | RegExp)[] = []): string {
  const errors = errorsAt(res).filter((e) => {
    const at = e.slice(e.indexOf('@') + 1);
    return at === path || !ignore.some((p) => (typeof p === 'string' ? p === at : p.test(at)));
  });
  if (value === expected && errors.length === 0) return 'Y';
  if (value === null && errors.length === 1 && errors[0] === `FORBIDDEN@${path}`) return '-';
  return `odd(${JSON.stringify(value)} ${errors.join(',')})`;
}

type Target = Record<string, string>;
type MutationCase = {
  /** Run as admin before each attempt: a fresh target, so every role meets the same state. */
  prepare?: (role: RoleName) => Promise<Target>;
  attempt: (caller: Executor, target: Target, role: RoleName) => Promise<ExecResult<Record<string, unknown>>>;
  /** Undo a success (or a prepare) so the next role starts from the same state. */
  cleanup?: (target: Target, res: ExecResult<Record<string, unknown>>) => Promise<void>;
};


const CASES: Record<keyof typeof MUTATIONS, MutationCase> = {
  createSchool: {
    attempt: (c, _t, role) => c.exec(CreateSchoolDocument, { input: { townId: towns.Lyon, name: `School by ${role}`, kind: 'PRIMARY' } }),
    cleanup: async (_t, res) => {
      const id = (payloadOf(res)?.school as { id: string } | null)?.id;
      if (id) await sql('delete from school where id = ?', [localId(id)]);
    },
  },
  'updateSchool X': {
    attempt: (c, _t, role) => c.exec(UpdateSchoolDocument, { input: { id: schoolX, pupilCount: 100 + ROLES.indexOf(role) } }),
  },
  deleteSchool: {
    prepare: async () => ({ school: (await createSchool(api, towns.Munich, { instructionLanguages: ['de'] })).id }),
    attempt: (c, t) => c.exec(DeleteSchoolDocument, { input: { id: t.school! } }),
    cleanup: async (t) => void (await sql('delete from school where id = ?', [localId(t.school!)])),
  },
  'createSchoolClass in X': {
    attempt: (c) => c.exec(CreateSchoolClassDocument, { input: classInput(schoolX, { label: 'new' }) }),
    cleanup: async (_t, res) => {
      const id = (payloadOf(res)?.schoolClass as { id: string } | null)?.id;
      if (id) await sql('delete from school_class where id = ?', [localId(id)]);
    },
  },
  'updateSchoolClass X-private (A teaches)': {
    attempt: (c, _t, role) => c.exec(UpdateSchoolClassDocument, { input: { id: cls.xPrivate, pupilCount: 10 + ROLES.indexOf(role) } }),
  },
  'updateSchoolClass Y-private (B teaches)': {
    attempt: (c, _t, role) => c.exec(UpdateSchoolClassDocument, { input: { id: cls.yPrivate, pupilCount: 10 + ROLES.indexOf(role) } }),
  },
  'updateSchoolClass X-open': {
    attempt: (c, _t, role) => c.exec(UpdateSchoolClassDocument, { input: { id: cls.xOpen, description: `edited by ${role}` } }),
  },
  'deleteSchoolClass of X (A teaches)': {
    prepare: async () => {
      const created = await createClass(api, schoolX, { label: 'doomed', lookingForPartners: false });
      await grant({ userId: userGid('teacherA'), role: 'TEACHER', classId: created.id });
      return { schoolClass: created.id };
    },
    attempt: (c, t) => c.exec(DeleteSchoolClassDocument, { input: { id: t.schoolClass! } }),
    cleanup: async (t) => void (await sql('delete from school_class where id = ?', [localId(t.schoolClass!)])),
  },
  createTwinLink: {
    attempt: (c) => c.exec(CreateTwinLinkDocument, { input: { townAId: towns.Uppsala, townBId: towns.Kraków, since: 1990 } }),
    cleanup: async () => void (await sql('delete from twin_link')),
  },
  endTwinLink: {
    prepare: async () => {
      const data = expectData(await api.admin.exec(CreateTwinLinkDocument, { input: { townAId: towns.Malmö, townBId: towns.Lyon } }));
      expect(data.createTwinLink.userErrors).toEqual([]);
      return { link: data.createTwinLink.twinLink!.id };
    },
    attempt: (c, t) => c.exec(EndTwinLinkDocument, { input: { id: t.link! } }),
    cleanup: async () => void (await sql('delete from twin_link')),
  },
  createUser: {
    attempt: (c, _t, role) => c.exec(CreateUserDocument, { input: { name: `New ${role}`, email: `new.${role}@example.org` } }),
  },
  'grantRole TEACHER of X-open': {
    attempt: (c) => c.exec(GrantRoleDocument, { input: { userId: userGid('bystander'), role: 'TEACHER', classId: cls.xOpen } }),
    cleanup: async () => void (await sql('delete from class_teacher where user_id = ?', [userIdOf.bystander])),
  },
  'revokeRole TEACHER of X-open': {
    prepare: async () => {
      await sql('insert into class_teacher (user_id, class_id) values (?, ?)', [userIdOf.bystander, localId(cls.xOpen)]);
      return {};
    },
    attempt: (c) => c.exec(RevokeRoleDocument, { input: { userId: userGid('bystander'), role: 'TEACHER', classId: cls.xOpen } }),
    cleanup: async () => void (await sql('delete from class_teacher where user_id = ?', [userIdOf.bystander])),
  },
  'grantRole COORDINATOR of X': {
    attempt: (c) => c.exec(GrantRoleDocument, { input: { userId: userGid('bystander'), role: 'COORDINATOR', schoolId: schoolX } }),
    cleanup: async () => void (await sql('delete from school_coordinator where user_id = ?', [userIdOf.bystander])),
  },
  'revokeRole COORDINATOR of X': {
    prepare: async () => {
      await sql('insert into school_coordinator (user_id, school_id) values (?, ?)', [userIdOf.bystander, localId(schoolX)]);
      return {};
    },
    attempt: (c) => c.exec(RevokeRoleDocument, { input: { userId: userGid('bystander'), role: 'COORDINATOR', schoolId: schoolX } }),
    cleanup: async () => void (await sql('delete from school_coordinator where user_id = ?', [userIdOf.bystander])),
  },
  'grantRole ADMIN': {
    attempt: (c) => c.exec(GrantRoleDocument, { input: { userId: userGid('bystander'), role: 'ADMIN' } }),
    cleanup: async () => void (await sql('update app_user set is_admin = false where id = ?', [userIdOf.bystander])),
  },
  'createApiToken for myself': {
    attempt: (c) => c.exec(CreateApiTokenDocument, { input: { label: 'my second token' } }),
  },
  'createApiToken for another user': {
    attempt: (c) => c.exec(CreateApiTokenDocument, { input: { userId: userGid('bystander'), label: 'not mine' } }),
  },
  'createApiToken for an app': {
    attempt: (c) => c.exec(CreateApiTokenDocument, { input: { clientName: 'Municipal twinning site', scopes: ['PUBLIC_READ', 'EXCHANGES_WRITE'] } }),
  },
  'revokeApiToken of teacher A': {
    prepare: async () => {
      const data = expectData(await api.admin.exec(CreateApiTokenDocument, { input: { userId: userGid('teacherA'), label: 'spare' } }));
      return { token: data.createApiToken.apiToken!.id };
    },
    attempt: (c, t) => c.exec(RevokeApiTokenDocument, { input: { id: t.token! } }),
  },
};

describe('permission matrix: mutations', () => {
  it.each(Object.keys(MUTATIONS) as (keyof typeof MUTATIONS)[])('%s', async (name) => {
    const spec = CASES[name];
    const actual = {} as Row;
    for (const role of ROLES) {
      const target = (await spec.prepare?.(role)) ?? {};
      const before = await snapshotAll(api.orm);
      const res = await spec.attempt(as[role], target, role);
      const refused = refusal(res);
      if (refused) {
        actual[role] = refused;
        // A refused mutation changes nothing (only its audit entry is written).
        expect({ role, db: await snapshotAll(api.orm) }).toEqual({ role, db: before });
      } else {
        const payload = payloadOf(res);
        const errors = payload?.userErrors as { code: string }[] | undefined;
        const changed = Object.entries(payload ?? {}).some(([k, v]) => k !== 'userErrors' && v != null);
        actual[role] = res.errors?.length ? `errors:${errorsAt(res).join(',')}` : errors?.length ? `userErrors:${errors.map((e) => e.code)}` : changed ? 'Y' : 'empty';
      }
      await spec.cleanup?.(target, res);
    }
    expect(actual).toEqual(MUTATIONS[name]);
  });
});

describe('changes of listing and of roles', () => {
  it('a class whose listing has expired is private again, on every path', async () => {
    await sql(`update school_class set listing_expires_at = now() - interval '1 minute' where id = ?`, [localId(cls.xOpen)]);
    try {
      const sees = async (role: RoleName) => {
        const views = {
          schoolClass: expectData(await as[role].exec(SchoolClassDocument, { id: cls.xOpen })).schoolClass !== null,
          node: expectData(await as[role].exec(NodeDocument, { id: cls.xOpen })).node !== null,
          nodes: expectData(await as[role].exec(NodesDocument, { ids: [cls.xOpen] })).nodes[0] !== null,
          list: expectData(await as[role].exec(ClassIdsDocument, { filter: { schoolId: schoolX } })).schoolClasses.edges.some((e) => e.node.id === cls.xOpen),
          nested: (await as[role].exec(SchoolClassIdsDocument, { id: schoolX })).data!.school!.classes.edges.some((e) => e.node.id === cls.xOpen),
        };
        return agree(Object.fromEntries(Object.entries(views).map(([k, v]) => [k, v ? 'Y' : '-'])));
      };
      const actual = {} as Row;
      for (const role of ROLES) actual[role] = await sees(role);
      //                                     anon app tchA tchB crdX crdY admin
      expect(actual).toEqual(matrix({ row: ' -   -   -    -    Y    -    Y' }).row);
      const anonymous = expectData(await api.exec(ClassIdsDocument, { filter: { schoolId: schoolX } })).schoolClasses;
      expect(anonymous).toEqual({ totalCount: 0, edges: [] });
    } finally {
      await sql('update school_class set listing_expires_at = null where id = ?', [localId(cls.xOpen)]);
    }
  });

  it('a granted or revoked role takes effect on the next request', async () => {
    const bystander = api.as(bystanderToken);
    const reach = async () => {
      const contact = await bystander.exec(SchoolContactDocument, { id: schoolX });
      const hidden = expectData(await bystander.exec(SchoolClassDocument, { id: cls.xPrivate })).schoolClass;
      return { contactEmail: contact.data!.school!.contactEmail, codes: errorsAt(contact), privateClass: hidden?.id ?? null };
    };
    const none = { contactEmail: null, codes: ['FORBIDDEN@school.contactEmail'], privateClass: null };
    expect(await reach()).toEqual(none);
    await grant({ userId: userGid('bystander'), role: 'COORDINATOR', schoolId: schoolX });
    expect(await reach()).toEqual({ contactEmail: CONTACT.X, codes: [], privateClass: cls.xPrivate });
    const revoked = expectData(await api.admin.exec(RevokeRoleDocument, { input: { userId: userGid('bystander'), role: 'COORDINATOR', schoolId: schoolX } }));
    expect(revoked.revokeRole.userErrors).toEqual([]);
    expect(await reach()).toEqual(none);
    // A coordinator's teacher: made by coordinator X, then unmade by them.
    expectData(await as.coordX.exec(GrantRoleDocument, { input: { userId: userGid('bystander'), role: 'TEACHER', classId: cls.xPrivate } }));
    expect(await reach()).toEqual({ contactEmail: CONTACT.X, codes: [], privateClass: cls.xPrivate });
    expectData(await as.coordX.exec(RevokeRoleDocument, { input: { userId: userGid('bystander'), role: 'TEACHER', classId: cls.xPrivate } }));
    expect(await reach()).toEqual(none);
  });
});

describe('across schools', () => {
  it('refuses reaching into the other school by global id, and says nothing about whether an id exists', async () => {
    const missingClass = toGlobalId('SchoolClass', 999_999);
    const attempts: [RoleName, string, () => Promise<ExecResult<unknown>>][] = [
      ['coordX', 'createSchoolClass in Y', () => as.coordX.exec(CreateSchoolClassDocument, { input: classInput(schoolY) })],
      ['coordX', 'updateSchool Y', () => as.coordX.exec(UpdateSchoolDocument, { input: { id: schoolY, contactEmail: 'evil@example.org' } })],
      ['coordX', "update Y's private class", () => as.coordX.exec(UpdateSchoolClassDocument, { input: { id: cls.yPrivate, internalNotes: 'mine now' } })],
      ['coordX', "delete Y's class", () => as.coordX.exec(DeleteSchoolClassDocument, { input: { id: cls.yOpen } })],
      ['coordX', 'make someone teacher of a class of Y', () => as.coordX.exec(GrantRoleDocument, { input: { userId: userGid('bystander'), role: 'TEACHER', classId: cls.yOpen } })],
      ['coordX', 'make themself coordinator of Y', () => as.coordX.exec(GrantRoleDocument, { input: { userId: userGid('coordX'), role: 'COORDINATOR', schoolId: schoolY } })],
      ['teacherA', "update B's class", () => as.teacherA.exec(UpdateSchoolClassDocument, { input: { id: cls.yPrivate, lookingForPartners: true } })],
      ['teacherA', 'make themself teacher of another class', () => as.teacherA.exec(GrantRoleDocument, { input: { userId: userGid('teacherA'), role: 'TEACHER', classId: cls.xOpen } })],
      ['teacherA', 'create a token for teacher B', () => as.teacherA.exec(CreateApiTokenDocument, { input: { userId: userGid('teacherB') } })],
      ['teacherA', "revoke teacher B's token", async () => as.teacherA.exec(RevokeApiTokenDocument, { input: { id: toGlobalId('ApiToken', await tokenIdOf(tokenOf.teacherB)) } })],
      ['teacherA', "revoke the app's token", async () => as.teacherA.exec(RevokeApiTokenDocument, { input: { id: toGlobalId('ApiToken', await tokenIdOf(tokenOf.app)) } })],
      ['coordY', 'update a class that does not exist', () => as.coordY.exec(UpdateSchoolClassDocument, { input: { id: missingClass, label: 'x' } })],
      ['coordY', 'delete a class that does not exist', () => as.coordY.exec(DeleteSchoolClassDocument, { input: { id: missingClass } })],
    ];
    const before = await snapshotAll(api.orm);
    for (const [role, what, attempt] of attempts) {
      const res = await attempt();
      expect({ role, what, outcome: refusal(res) }).toEqual({ role, what, outcome: 'F' });
    }
    expect(await snapshotAll(api.orm)).toEqual(before);
    // Admins do learn that the class does not exist.
    const admin = expectData(await api.admin.exec(UpdateSchoolClassDocument, { input: { id: missingClass, label: 'x' } }));
    expect(admin.updateSchoolClass.userErrors.map((e) => e.code)).toEqual(['NOT_FOUND']);
  });

  it("reaches nothing of Y's private class through node, nodes, school(id).classes or filters", async () => {
    const res = expectData(await as.coordX.exec(NodesDocument, { ids: [cls.yPrivate, cls.xPrivate, cls.yOpen] }));
    expect(res.nodes.map((n) => n?.id ?? null)).toEqual([null, cls.xPrivate, cls.yOpen]);
    expect(expectData(await as.coordX.exec(NodeDocument, { id: cls.yPrivate })).node).toBeNull();
    expect(expectData(await as.coordX.exec(SchoolClassDocument, { id: cls.yPrivate })).schoolClass).toBeNull();
    const ofY = await as.coordX.exec(SchoolClassIdsDocument, { id: schoolY, filter: { lookingForPartners: false } });
    expect(ofY.data!.school!.classes).toEqual({ totalCount: 0, edges: [] });
    const filtered = expectData(await as.teacherA.exec(ClassIdsDocument, { filter: { schoolId: schoolY, lookingForPartners: false } }));
    expect(filtered.schoolClasses).toEqual({ totalCount: 0, edges: [] });
  });

  it('a coordinator who reaches a User (the grantRole payload) sees neither its e-mail nor its roles', async () => {
    const res = await as.coordX.exec(GrantRoleWithPrivateFieldsDocument, { input: { userId: userGid('bystander'), role: 'TEACHER', classId: cls.xOpen } });
    expect(res.data!.grantRole.userErrors).toEqual([]);
    expect(res.data!.grantRole.user).toEqual({ id: userGid('bystander'), name: 'Bystander', email: null, roles: null });
    expect(errorsAt(res).sort()).toEqual(['FORBIDDEN@grantRole.user.email', 'FORBIDDEN@grantRole.user.roles']);
    await sql('delete from class_teacher where user_id = ?', [userIdOf.bystander]);
  });
});

describe('audit log', () => {
  it('records who ran a mutation, on what, and whether it succeeded; admins read it', async () => {
    const done = expectData(await as.coordX.exec(UpdateSchoolClassDocument, { input: { id: cls.xOpen, description: 'audited' } }));
    expect(done.updateSchoolClass.userErrors).toEqual([]);
    const refused = await as.teacherB.exec(UpdateSchoolDocument, { input: { id: schoolX, name: 'Taken over' } });
    expectErrorCode(refused, 'FORBIDDEN');
    const anonymous = await api.exec(DeleteSchoolDocument, { input: { id: schoolY } });
    expectErrorCode(anonymous, 'UNAUTHENTICATED');

    const entries = expectData(await api.admin.exec(AuditEntriesDocument, { first: 3 })).auditEntries.edges.map((e) => e.node);
    expect(entries.map(({ at: _at, requestId: _r, ...rest }) => rest)).toEqual([
      { operation: 'deleteSchool', targetIds: [schoolY], succeeded: false, actor: null },
      { operation: 'updateSchool', targetIds: [schoolX], succeeded: false, actor: { id: userGid('teacherB'), name: 'Teacher B' } },
      { operation: 'updateSchoolClass', targetIds: [cls.xOpen], succeeded: true, actor: { id: userGid('coordX'), name: 'Coordinator X' } },
    ]);
    for (const e of entries) {
      expect(e.requestId).toBeTruthy();
      expect(Date.now() - Date.parse(e.at)).toBeLessThan(60_000);
    }

    // Filters: by operation and by actor.
    const byCoordX = expectData(await api.admin.exec(AuditEntriesDocument, { first: 100, filter: { actorId: userGid('coordX'), operation: 'updateSchoolClass' } }));
    expect(byCoordX.auditEntries.edges[0]!.node).toMatchObject({ targetIds: [cls.xOpen], succeeded: true });
    expect(byCoordX.auditEntries.edges.every((e) => e.node.actor?.id === userGid('coordX') && e.node.operation === 'updateSchoolClass')).toBe(true);

    // A grant names the user and the class; a new token names its record, never the secret.
    await grant({ userId: userGid('bystander'), role: 'TEACHER', classId: cls.yOpen });
    const token = expectData(await as.teacherB.exec(CreateApiTokenDocument, { input: { label: 'audit me' } })).createApiToken;
    plainTokens.push(token.token!);
    const [tokenEntry, grantEntry] = expectData(await api.admin.exec(AuditEntriesDocument, { first: 2 })).auditEntries.edges.map((e) => e.node);
    expect(grantEntry).toMatchObject({ operation: 'grantRole', succeeded: true, actor: { id: userGid('admin') } });
    expect([...grantEntry!.targetIds].sort()).toEqual([userGid('bystander'), cls.yOpen].sort());
    expect(tokenEntry).toMatchObject({ operation: 'createApiToken', targetIds: [token.apiToken!.id], succeeded: true, actor: { id: userGid('teacherB') } });
    await sql('delete from class_teacher where user_id = ?', [userIdOf.bystander]);
  });
});

describe('tokens', () => {
  const TOKEN_SHAPE = /^twx_[A-Za-z0-9_-]{43}$/;

  async function newToken(caller: Executor, input: CreateApiTokenInput = {}) {
    const data = expectData(await caller.exec(CreateApiTokenDocument, { input }));
    expect(data.createApiToken.userErrors).toEqual([]);
    const { token, apiToken } = data.createApiToken;
    plainTokens.push(token!);
    return { token: token!, apiToken: apiToken! };
  }

  const whoIs = (token: string) => api.as(token).exec(ViewerDocument);

  it('createApiToken returns a twx_ token of 47 characters, once, which then works', async () => {
    const { token, apiToken } = await newToken(as.teacherA, { label: 'laptop' });
    expect(token).toMatch(TOKEN_SHAPE);
    expect(token).toHaveLength(47);
    expect(apiToken).toMatchObject({ label: 'laptop', expiresAt: null, revokedAt: null, lastUsedAt: null });
    const viewer = expectData(await whoIs(token)).viewer;
    expect(viewer).toMatchObject({ kind: 'USER', user: { id: userGid('teacherA') } });
    // The owner sees the record (never the secret) by global id; last use is recorded.
    const node = expectData(await api.as(token).exec(NodePrivateDocument, { id: apiToken.id })).node;
    expect(node).toEqual({ __typename: 'ApiToken', id: apiToken.id, label: 'laptop' });
    const [row] = await sql('select last_used_at from api_token where id = ?', [localId(apiToken.id)]);
    expect((row as { last_used_at: unknown }).last_used_at).not.toBeNull();
    // An admin-made app token acts as the app, with the scopes it was given.
    const app = await newToken(api.admin, { clientName: 'eTwinning companion', scopes: ['PUBLIC_READ', 'EXCHANGES_READ'] });
    expect(expectData(await whoIs(app.token)).viewer).toMatchObject({ kind: 'CLIENT', user: null, scopes: ['PUBLIC_READ', 'EXCHANGES_READ'] });
  });

  it('stores only the SHA-256 hash: no plain token appears anywhere in the database', async () => {
    const conn = api.orm.em.getConnection();
    const tables = await conn.execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['api_token', 'audit_entry', 'app_user', 'api_client']));
    let dump = '';
    for (const { table_name } of tables) dump += JSON.stringify(await conn.execute(`select * from "${table_name}"`));
    const hashes = (await conn.execute<{ token_hash: string }[]>('select token_hash from api_token')).map((r) => r.token_hash.trim());
    expect(plainTokens.length).toBeGreaterThan(5);
    for (const token of plainTokens) {
      expect(dump.includes(token)).toBe(false);
      expect(dump.includes(token.slice(4))).toBe(false); // nor its secret part without the prefix
      expect(hashes).toContain(sha256(token));
    }
  });

  it('an expired token is UNAUTHENTICATED', async () => {
    // Refused at creation when already past.
    const past = expectData(await as.teacherA.exec(CreateApiTokenDocument, { input: { expiresAt: new Date(Date.now() - 1000).toISOString() } }));
    expect(past.createApiToken.userErrors.map((e) => e.code)).toEqual(['INVALID_DATE_RANGE']);
    expect(past.createApiToken.token).toBeNull();
    // Works until it expires, for real …
    const soon = await newToken(as.teacherA, { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect(expectData(await whoIs(soon.token)).viewer.kind).toBe('USER');
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expectErrorCode(await whoIs(soon.token), 'UNAUTHENTICATED');
    // … and when its expiry is moved into the past.
    const later = await newToken(as.teacherA, { expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(expectData(await whoIs(later.token)).viewer.kind).toBe('USER');
    await sql(`update api_token set expires_at = now() - interval '1 second' where id = ?`, [localId(later.apiToken.id)]);
    const res = await whoIs(later.token);
    expectErrorCode(res, 'UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
  });

  it('revocation takes effect on the very next request', async () => {
    // A token revoking itself: that request succeeds, the next one does not.
    const own = await newToken(as.teacherA, { label: 'to revoke' });
    const revoked = expectData(await api.as(own.token).exec(RevokeApiTokenDocument, { input: { id: own.apiToken.id } }));
    expect(revoked.revokeApiToken.userErrors).toEqual([]);
    expect(revoked.revokeApiToken.apiToken!.revokedAt).not.toBeNull();
    expectErrorCode(await whoIs(own.token), 'UNAUTHENTICATED');
    // The owner's other tokens keep working.
    expect(expectData(await as.teacherA.exec(ViewerDocument)).viewer.user!.id).toBe(userGid('teacherA'));
    // Revoking again keeps the first revocation time.
    const again = expectData(await as.teacherA.exec(RevokeApiTokenDocument, { input: { id: own.apiToken.id } }));
    expect(again.revokeApiToken.apiToken!.revokedAt).toEqual(revoked.revokeApiToken.apiToken!.revokedAt);

    // An admin revokes someone else's token, which fails from the next request on, mutations included.
    const victim = await newToken(api.admin, { userId: userGid('coordY'), label: 'revoked by admin' });
    expect(expectData(await whoIs(victim.token)).viewer.user!.id).toBe(userGid('coordY'));
    expect(expectData(await api.admin.exec(RevokeApiTokenDocument, { input: { id: victim.apiToken.id } })).revokeApiToken.userErrors).toEqual([]);
    const before = await snapshotAll(api.orm);
    expectErrorCode(await api.as(victim.token).exec(UpdateSchoolDocument, { input: { id: schoolY, name: 'After revocation' } }), 'UNAUTHENTICATED');
    expect(await snapshotAll(api.orm)).toEqual(before);
  });

  it('an unknown, altered, malformed or otherwise bad Authorization header is UNAUTHENTICATED, never anonymous', async () => {
    const good = tokenOf.teacherA;
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const headers: [string, string][] = [
      ['unknown token', `Bearer twx_${randomBytes(32).toString('base64url')}`],
      ['last character changed', `Bearer ${flip(good, good.length - 1)}`],
      ['first secret character changed', `Bearer ${flip(good, 4)}`],
      ['wrong prefix', `Bearer abc_${good.slice(4)}`],
      ['upper-cased', `Bearer ${good.toUpperCase()}`],
      ['truncated', `Bearer ${good.slice(0, -1)}`],
      ['one character too many', `Bearer ${good}A`],
      ['no scheme', good],
      ['Basic scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`],
      ['Token scheme', `Token ${good}`],
      ['scheme alone', 'Bearer'],
      ['empty bearer', 'Bearer '],
      ['two tokens', `Bearer ${good} ${good}`],
      ['characters outside base64url', `Bearer twx_${'+/'.repeat(21)}A`],
      ['whitespace only', '   '],
    ];
    for (const [what, header] of headers) {
      // A public query anyone may run: a bad header must still fail it.
      const res = await withHeader(header).exec(TownsDocument, { first: 1 });
      expect({ what, codes: res.errors?.map((e) => e.extensions?.code), data: res.data ?? null }).toEqual({ what, codes: ['UNAUTHENTICATED'], data: null });
      expect({ what, status: res.http.status }).toEqual({ what, status: 401 });
    }
    // The same query with no header at all is anonymous and works; the good token too.
    expect(expectData(await api.exec(TownsDocument, { first: 1 })).towns.edges).toHaveLength(1);
    expect(expectData(await withHeader(`Bearer ${good}`).exec(ViewerDocument)).viewer.user!.id).toBe(userGid('teacherA'));
    expect(expectData(await withHeader(`bearer ${good}`).exec(ViewerDocument)).viewer.kind).toBe('USER');
  });
});

describe('app scopes', () => {
  it('refuses an app token without public:read, even on public data', async () => {
    const api2 = await createTestApi();
    try {
      const created = expectData(
        await api2.admin.exec(CreateApiTokenDocument, { input: { clientName: 'Exchange planner', scopes: ['EXCHANGES_READ'] } }),
      );
      const token = created.createApiToken.token!;
      expectErrorCode(await api2.as(token).exec(TownsDocument, { first: 1 }), 'FORBIDDEN');
    } finally {
      await api2.close();
    }
  });
});
