import { ApolloServer } from '@apollo/server';
import { getIntrospectionQuery, parse, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { createContext, type Context } from '../src/context';
import type { Orm } from '../src/db';
import { createErrorFormatter } from '../src/lib/errors';
import { countStatements } from '../src/lib/sql-counter';
import {
  computeQueryCost,
  createLimitsPlugin,
  DEFAULT_LIMITS,
  InMemoryRateLimitStore,
  limitParseOptions,
  limitValidationRules,
  type CostExtension,
  type LimitsConfig,
} from '../src/modules/limits/limits';
import { countTokens } from '../src/modules/limits/limits.rules';
import { buildAppSchema } from '../src/schema';
import { insertTowns, type TownName } from './fixtures/towns';
import { createTestOrm } from './helpers/db';

const HOUR_MS = 3_600_000;

let orm: Orm;
let sql: ReturnType<typeof countStatements>;
let schema: GraphQLSchema;
let ids: Record<TownName, string>;
const servers: ApolloServer<Context>[] = [];

beforeAll(async () => {
  orm = await createTestOrm();
  ids = await insertTowns(orm);
  sql = countStatements(orm);
  schema = buildAppSchema();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await orm.close();
});

type Options = { limits?: Partial<LimitsConfig>; budgetKey?: () => string; now?: () => number };

/** A server wired the way src/app.ts wires the limits. */
function limitedServer(opts: Options = {}) {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const server = new ApolloServer<Context>({
    schema,
    plugins: [createLimitsPlugin<Context>({ limits, budgetKey: opts.budgetKey ?? (() => 'anonymous'), now: opts.now })],
    validationRules: limitValidationRules(limits),
    parseOptions: limitParseOptions(limits),
    formatError: createErrorFormatter(false, () => {}),
  });
  servers.push(server);
  return server;
}

type Run = {
  data: Record<string, unknown> | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
  extensions: Record<string, unknown> | undefined;
  status: number | undefined;
  header(name: string): string | undefined;
  /** SQL statements the request sent. */
  statements: number;
};

async function run(server: ApolloServer<Context>, query: string, variables?: Record<string, unknown>): Promise<Run> {
  sql.reset();
  const response = await server.executeOperation({ query, variables }, { contextValue: createContext(orm) });
  if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
  const { data, errors, extensions } = response.body.singleResult;
  return {
    data,
    errors,
    extensions,
    status: response.http.status,
    header: (name) => response.http.headers.get(name),
    statements: sql.count,
  };
}

function expectOk(result: Run) {
  if (result.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(result.errors, null, 2)}`);
  expect(result.data).toBeTruthy();
}

/** Refused with QUERY_TOO_COMPLEX for this rule, HTTP 400, and no SQL at all. */
function expectTooComplex(result: Run, rule: string, actual: number, limit: number) {
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors!;
  expect(error!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', rule, limit, actual });
  expect(error!.message).toContain(actual.toLocaleString('en-US'));
  expect(error!.message).toContain(limit.toLocaleString('en-US'));
  expect(result.data).toBeUndefined();
  expect(result.status).toBe(400);
  expect(result.statements).toBe(0);
}

const repeat = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

describe('document limits (defaults: depth 10, aliases 15, tokens 2000, directives 50)', () => {
  let server: ApolloServer<Context>;
  beforeAll(() => {
    server = limitedServer();
  });

  // towns 1, edges 2, node 3, schools 4, edges 5, node 6, classes 7, edges 8, node 9, then the leaf.
  const nested = (leaf: string) =>
    `{ towns(first: 1) { edges { node { schools(first: 1) { edges { node { classes(first: 1) { edges { node { ${leaf} } } } } } } } } } }`;

  it('refuses fields nested deeper than 10 levels', async () => {
    expectOk(await run(server, nested('label')));
    expectTooComplex(await run(server, nested('school { name }')), 'maxDepth', 11, 10);
  });

  it('follows fragments when measuring depth, and lets introspection through', async () => {
    const viaFragments = `
      { towns(first: 1) { ...Page } }
      fragment Page on TownConnection { edges { node { twins(first: 1) { edges { node { ...Deep } } } } } }
      fragment Deep on Town { schools(first: 1) { edges { node { classes(first: 1) { totalCount } } } } }`;
    expectTooComplex(await run(server, viaFragments), 'maxDepth', 11, 10);

    const introspection = await run(server, getIntrospectionQuery());
    expectOk(introspection);
    expect((introspection.extensions?.cost as CostExtension).requestedQueryCost).toBe(0);
  });

  it('refuses more than 15 aliases', async () => {
    const ok = await run(server, `query ($id: ID!) { ${repeat(15, (i) => `t${i}: town(id: $id) { name }`)} }`, { id: ids.Malmö });
    expectOk(ok);
    expect(ok.data!.t14).toEqual({ name: 'Malmö' });
    expectTooComplex(await run(server, `{ ${repeat(16, (i) => `t${i}: towns(first: 1) { totalCount }`)} }`), 'maxAliases', 16, 15);
  });

  it('refuses more than 2000 tokens', async () => {
    const withThemes = (n: number) =>
      `{ schoolClasses(first: 0, filter: { levels: [${repeat(n, () => 'B1')}] }) { totalCount } }`;
    expect(countTokens(withThemes(1981))).toBe(2000);
    expectOk(await run(server, withThemes(1981)));
    expectTooComplex(await run(server, withThemes(1982)), 'maxTokens', 2001, 2000);
  });

  it('refuses more than 50 directives', async () => {
    const directives = (n: number) => `{ ${repeat(n, () => '__typename @include(if: true)')} }`;
    expectOk(await run(server, directives(50)));
    expectTooComplex(await run(server, directives(51)), 'maxDirectives', 51, 50);
  });
});

describe('query cost', () => {
  const cost = (query: string, variables?: Record<string, unknown>) => computeQueryCost(schema, parse(query), undefined, variables);

  it('prices objects, multiplying by page sizes and list arguments, Relay plumbing free', () => {
    // 50 classes + 50 schools + 50 towns + 50 language lists.
    expect(cost('{ schoolClasses(first: 50) { edges { node { school { town { name } } languages { language } } } } }')).toBe(200);
    // towns n + twins n × 20 (the default page) + schools n × 3 (last).
    const query = `query ($n: Int) {
      towns(first: $n) { totalCount pageInfo { endCursor } edges { cursor node { twins { totalCount } schools(last: 3) { edges { node { name } } } } } }
    }`;
    expect(cost(query, { n: 10 })).toBe(10 + 200 + 30);
    expect(cost(query)).toBe(20 + 400 + 60);
    // nodes(ids:) fans out by the number of ids; fields of the Node interface and fragments on Town resolve.
    const nodes = `query ($ids: [ID!]!) { nodes(ids: $ids) { id ...TownSchools } }
      fragment TownSchools on Town { schools(first: 5) { edges { node { town { name } } } } }`;
    expect(cost(nodes, { ids: ['a', 'b', 'c'] })).toBe(3 + 3 * (5 + 5));
    expect(cost('{ town(id: "x") { name languages { language } } }')).toBe(2);
    expect(cost('{ __typename __schema { types { name fields { name } } } }')).toBe(0);
  });

  it('prices each fragment once, however often it is spread', () => {
    // Each fragment spreads the next twice: 2^30 towns pages, priced without 2^30 steps.
    const chain = repeat(30, (i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    const started = Date.now();
    expect(cost(`{ ...F0 } ${chain} fragment F30 on Query { towns(first: 1) { totalCount } }`)).toBe(2 ** 30);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('refuses an operation over the maximum cost before any SQL', async () => {
    const server = limitedServer();
    // 100 classes + 100 schools + 100 × 98 classes = 10,000: allowed.
    const under = await run(server, '{ schoolClasses(first: 100) { edges { node { school { classes(first: 98) { totalCount } } } } } }');
    expectOk(under);
    expect((under.extensions?.cost as CostExtension).requestedQueryCost).toBe(10000);
    const over = await run(server, '{ schoolClasses(first: 100) { edges { node { school { classes(first: 100) { totalCount } } } } } }');
    expectTooComplex(over, 'maxCost', 10200, 10000);
    expect(over.header('x-ratelimit-remaining')).toBeUndefined();
  });
});

describe('hourly cost budget', () => {
  const towns = (first: number) => `{ towns(first: ${first}) { edges { node { name } } } }`;

  it('reports the cost and the budget on every response', async () => {
    const start = Date.UTC(2026, 0, 5, 9);
    const server = limitedServer({ now: () => start });
    const result = await run(server, towns(5));
    expectOk(result);
    const resetAt = start + HOUR_MS;
    expect(result.extensions?.cost).toEqual({
      requestedQueryCost: 5,
      maximumAvailable: 500000,
      remaining: 499995,
      resetAt: new Date(resetAt).toISOString(),
    });
    expect(result.header('x-ratelimit-limit')).toBe('500000');
    expect(result.header('x-ratelimit-remaining')).toBe('499995');
    expect(result.header('x-ratelimit-used')).toBe('5');
    expect(result.header('x-ratelimit-reset')).toBe(String(resetAt / 1000));
  });

  it('refuses with RATE_LIMITED and Retry-After once the budget is spent, until the window ends', async () => {
    let clock = Date.UTC(2026, 0, 5, 10);
    let caller = 'token:1';
    const server = limitedServer({ limits: { maxCost: 50, costBudgetPerHour: 50 }, now: () => clock, budgetKey: () => caller });

    expectOk(await run(server, towns(20)));
    clock += 30 * 60 * 1000;
    const second = await run(server, towns(20));
    expectOk(second);
    expect(second.header('x-ratelimit-remaining')).toBe('10');

    const refused = await run(server, towns(20));
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(refused.status).toBe(429);
    expect(refused.header('retry-after')).toBe('1800');
    expect(refused.header('x-ratelimit-remaining')).toBe('10');
    expect(refused.statements).toBe(0);
    // The refused request was not charged: a query that fits still passes.
    const fits = await run(server, towns(10));
    expectOk(fits);
    expect(fits.header('x-ratelimit-remaining')).toBe('0');

    // Budgets are per caller.
    caller = 'token:2';
    expectOk(await run(server, towns(20)));
    caller = 'token:1';

    clock += 30 * 60 * 1000;
    const nextHour = await run(server, towns(20));
    expectOk(nextHour);
    expect(nextHour.header('x-ratelimit-used')).toBe('20');
  });

  it('keeps memory bounded: expired windows are swept, and live ones capped', () => {
    const store = new InMemoryRateLimitStore(3);
    const window = (now: number) => ({ budget: 100, windowMs: HOUR_MS, now });
    store.charge('a', 10, window(0));
    store.charge('b', 10, window(1000));
    expect(store.size).toBe(2);
    // An hour after a's first request, a's window is gone, b's lives on.
    expect(store.charge('c', 10, window(HOUR_MS))).toEqual({ allowed: true, used: 10, resetAt: 2 * HOUR_MS });
    expect(store.size).toBe(2);
    expect(store.charge('a', 10, window(HOUR_MS + 1))).toMatchObject({ used: 10 });
    store.charge('d', 10, window(HOUR_MS + 2));
    expect(store.size).toBe(3);
  });
});
