import { GraphQLError, type ASTNode } from 'graphql';

/**
 * The query limits. Every figure comes from the configuration (src/config.ts);
 * DEFAULT_LIMITS are the documented defaults.
 */
export type LimitsConfig = {
  /** Deepest nesting of fields in an operation, fragments followed; the root field is depth 1. */
  maxDepth: number;
  /** Aliased fields in the whole document (`a: town(...)` counts once, wherever it is). */
  maxAliases: number;
  /** Lexical tokens in the document (punctuation, names, values; comments excluded). */
  maxTokens: number;
  /** Directive uses in the whole document (`@include(if: ...)` counts once). */
  maxDirectives: number;
  /** Highest cost of one operation (see computeQueryCost). */
  maxCost: number;
  /** Cost a caller may spend per hour (see createLimitsPlugin). */
  costBudgetPerHour: number;
};

export const DEFAULT_LIMITS: LimitsConfig = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2000,
  maxDirectives: 50,
  maxCost: 10000,
  costBudgetPerHour: 500000,
};

/** The budget window: costBudgetPerHour is spent over one hour. */
export const BUDGET_WINDOW_MS = 60 * 60 * 1000;

/** Which limit refused a query; it names the LimitsConfig key. */
export type LimitRule = 'maxDepth' | 'maxAliases' | 'maxTokens' | 'maxDirectives' | 'maxCost';

const DESCRIPTIONS: Record<LimitRule, (actual: string, limit: string) => string> = {
  maxDepth: (actual, limit) => `Query is too deep: fields are nested ${actual} levels, the maximum is ${limit}.`,
  maxAliases: (actual, limit) => `Query uses too many aliases: ${actual}, the maximum is ${limit}.`,
  maxTokens: (actual, limit) => `Query is too long: ${actual} tokens, the maximum is ${limit}.`,
  maxDirectives: (actual, limit) => `Query uses too many directives: ${actual}, the maximum is ${limit}.`,
  maxCost: (actual, limit) =>
    `Query is too costly: it costs ${actual}, the maximum is ${limit}. Ask for smaller pages (first/last) or fewer nested connections.`,
};

const figure = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'more than can be counted');

/**
 * The error for a query over a limit: code QUERY_TOO_COMPLEX with
 * `extensions.rule` (the LimitsConfig key), `limit` and `actual`.
 */
export function queryTooComplex(
  rule: LimitRule,
  actual: number,
  limit: number,
  opts: { nodes?: ASTNode | readonly ASTNode[]; http?: boolean } = {},
): GraphQLError {
  // JSON has no Infinity: a cost that overflowed is reported as the largest safe integer.
  const shown = Number.isFinite(actual) ? actual : Number.MAX_SAFE_INTEGER;
  return new GraphQLError(DESCRIPTIONS[rule](figure(actual), figure(limit)), {
    nodes: opts.nodes,
    extensions: {
      code: 'QUERY_TOO_COMPLEX',
      rule,
      limit,
      actual: shown,
      // Validation and parse errors are 400 already; errors thrown by plugins need it said.
      ...(opts.http ? { http: { status: 400 } } : {}),
    },
  });
}

/** Whether an error is one of ours (before Apollo wraps it). */
export function isQueryTooComplex(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions?.code === 'QUERY_TOO_COMPLEX';
}
