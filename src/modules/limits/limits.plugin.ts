import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { BUDGET_WINDOW_MS, isQueryTooComplex, queryTooComplex, type LimitsConfig } from './limits.config';
import { computeQueryCost } from './limits.cost';
import { countTokens, isTokenLimitError } from './limits.rules';
import { InMemoryRateLimitStore, type RateLimitStore } from './limits.store';

export type LimitsPluginOptions<TContext extends BaseContext> = {
  limits: LimitsConfig;
  /**
   * Whose budget a request spends: e.g. `token:<id>` for an API token, or
   * `ip:<address>` for anonymous callers. Called only for operations within
   * maxCost, so a query refused for its cost never reaches it.
   */
  budgetKey: (contextValue: TContext) => Promise<string> | string;
  /** Default: an InMemoryRateLimitStore (one per plugin). */
  store?: RateLimitStore;
  /** Clock in epoch milliseconds; tests move it. */
  now?: () => number;
};

/** The figures reported in `extensions.cost`. */
export type CostExtension = {
  /** Cost of this operation (see computeQueryCost). */
  requestedQueryCost: number;
  /** The hourly budget (costBudgetPerHour). */
  maximumAvailable: number;
  /** Budget left in the current window, after this operation. */
  remaining: number;
  /** When the window ends and the budget is whole again (ISO 8601). */
  resetAt: string;
};

type Budget = { cost: number; used: number; resetAt: number };

/**
 * Enforces the query limits and the hourly cost budget.
 *
 * - Validation (limitValidationRules) and parsing (limitParseOptions) refuse
 *   documents that are too deep, have too many aliases, directives or tokens;
 *   Apollo reports those as GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED,
 *   and this plugin rewrites the response to QUERY_TOO_COMPLEX.
 * - didResolveOperation prices the operation (computeQueryCost) and refuses
 *   it over maxCost with QUERY_TOO_COMPLEX (HTTP 400); then it charges the
 *   cost to `budgetKey`'s window of one hour (fixed window from the key's
 *   first request, see InMemoryRateLimitStore). Over budget: RATE_LIMITED,
 *   HTTP 429 with Retry-After (seconds to the end of the window); a refused
 *   request is not charged.
 * - willSendResponse adds X-RateLimit-Limit / -Remaining / -Used / -Reset
 *   (epoch seconds) headers and `extensions.cost` (CostExtension).
 *
 * All refusals happen before execution, so no resolver (and no SQL) runs;
 * only budgetKey itself may query, and only for operations within maxCost.
 */
export function createLimitsPlugin<TContext extends BaseContext>(opts: LimitsPluginOptions<TContext>): ApolloServerPlugin<TContext> {
  const { limits, budgetKey } = opts;
  const store = opts.store ?? new InMemoryRateLimitStore();
  const now = opts.now ?? Date.now;

  return {
    async requestDidStart() {
      let budget: Budget | undefined;
      return {
        async didResolveOperation(requestContext) {
          if (!requestContext.operation) return;
          const cost = computeQueryCost(
            requestContext.schema,
            requestContext.document,
            requestContext.operationName,
            requestContext.request.variables,
          );
          if (cost > limits.maxCost) {
            throw queryTooComplex('maxCost', cost, limits.maxCost, { nodes: requestContext.operation, http: true });
          }
          const key = await budgetKey(requestContext.contextValue);
          const at = now();
          const charged = await store.charge(key, cost, { budget: limits.costBudgetPerHour, windowMs: BUDGET_WINDOW_MS, now: at });
          budget = { cost, used: charged.used, resetAt: charged.resetAt };
          if (!charged.allowed) {
            const retryAfter = Math.max(1, Math.ceil((charged.resetAt - at) / 1000));
            const remaining = Math.max(0, limits.costBudgetPerHour - charged.used);
            throw new GraphQLError(
              `Hourly cost budget spent: this query costs ${cost} and ${remaining} of ${limits.costBudgetPerHour} remain. Retry in ${retryAfter} seconds.`,
              {
                extensions: {
                  code: 'RATE_LIMITED',
                  cost,
                  remaining,
                  retryAfter,
                  http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
                },
              },
            );
          }
        },

        async willSendResponse(requestContext) {
          rewriteLimitErrors(requestContext, limits);
          if (budget) reportBudget(requestContext, limits, budget);
        },
      };
    },
  };
}

function reportBudget(requestContext: GraphQLRequestContextWillSendResponse<BaseContext>, limits: LimitsConfig, budget: Budget) {
  const { response } = requestContext;
  const remaining = Math.max(0, limits.costBudgetPerHour - budget.used);
  const headers = response.http.headers;
  headers.set('x-ratelimit-limit', String(limits.costBudgetPerHour));
  headers.set('x-ratelimit-remaining', String(remaining));
  headers.set('x-ratelimit-used', String(budget.used));
  headers.set('x-ratelimit-reset', String(Math.ceil(budget.resetAt / 1000)));
  const cost: CostExtension = {
    requestedQueryCost: budget.cost,
    maximumAvailable: limits.costBudgetPerHour,
    remaining,
    resetAt: new Date(budget.resetAt).toISOString(),
  };
  const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
  result.extensions = { ...result.extensions, cost };
}

/**
 * Apollo wraps validation and parse errors as GRAPHQL_VALIDATION_FAILED and
 * GRAPHQL_PARSE_FAILED. Limit errors get their own code back here: our
 * validation errors are the wrappers' originalError, and graphql-js's token
 * limit is a syntax error recognised by its message. The formatted errors
 * are index-aligned with requestContext.errors (Apollo formats them one by one).
 */
function rewriteLimitErrors(requestContext: GraphQLRequestContextWillSendResponse<BaseContext>, limits: LimitsConfig) {
  const { response, errors } = requestContext;
  if (!errors?.length || response.body.kind !== 'single') return;
  const result = response.body.singleResult;
  const formatted = result.errors;
  if (!formatted || formatted.length !== errors.length) return;
  result.errors = formatted.map((error, i) => {
    const code = error.extensions?.code;
    const original = errors[i]!.originalError;
    if (code === 'GRAPHQL_VALIDATION_FAILED' && isQueryTooComplex(original)) {
      return { ...error, extensions: { ...error.extensions, code: 'QUERY_TOO_COMPLEX' } };
    }
    if (code === 'GRAPHQL_PARSE_FAILED' && original && isTokenLimitError(original.message)) {
      const actual = Math.max(limits.maxTokens + 1, countTokens(requestContext.source ?? ''));
      return withLimitError(error, queryTooComplex('maxTokens', actual, limits.maxTokens));
    }
    return error;
  });
}

function withLimitError(formatted: GraphQLFormattedError, limitError: GraphQLError): GraphQLFormattedError {
  return { ...formatted, message: limitError.message, extensions: { ...formatted.extensions, ...limitError.extensions } };
}
