/**
 * Query limits: depth, aliases, tokens, directives, cost per operation and
 * an hourly cost budget per caller. See createLimitsPlugin for the wiring.
 */
export { BUDGET_WINDOW_MS, DEFAULT_LIMITS, queryTooComplex, type LimitRule, type LimitsConfig } from './limits.config';
export { computeQueryCost } from './limits.cost';
export { createLimitsPlugin, type CostExtension, type LimitsPluginOptions } from './limits.plugin';
export { aliasLimitRule, depthLimitRule, directiveLimitRule, limitParseOptions, limitValidationRules } from './limits.rules';
export { InMemoryRateLimitStore, type ChargeResult, type RateLimitStore } from './limits.store';
