import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  TWINS_FILE: z.string().trim().min(1).optional(),
  // The shared data sets sit beside the repository (../shared/data) unless told otherwise.
  SHARED_DATA_DIR: z.string().trim().min(1).default(path.resolve(process.cwd(), '..', 'shared', 'data')),
  DEMO_SEED: z.coerce.number().int().default(20261127),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  AUTO_SEED: z.enum(['true', 'false']).optional(),
  ENABLE_INTROSPECTION: z.enum(['true', 'false']).optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
  AUTH_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
  LIMIT_DEPTH: z.coerce.number().int().min(1).default(10),
  LIMIT_ALIASES: z.coerce.number().int().min(0).default(15),
  LIMIT_TOKENS: z.coerce.number().int().min(10).default(2000),
  LIMIT_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  LIMIT_COST: z.coerce.number().int().min(1).default(10_000),
  COST_BUDGET_PER_HOUR: z.coerce.number().int().min(1).default(500_000),
});

export type Config = {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  twinsFile: string | undefined;
  sharedDataDir: string;
  demoSeed: number;
  shutdownTimeoutMs: number;
  /** Import towns, twin links and demo data into an empty database at start. */
  autoSeed: boolean;
  /** Introspection: on in development, off in production unless ENABLE_INTROSPECTION=true. */
  introspection: boolean;
  bodyLimitBytes: number;
  /** Statement timeout on the database (ms); 0 = none. Default 5 s in production, 30 s otherwise. */
  statementTimeoutMs: number;
  /**
   * How long a resolved token is reused (ms; 0 = never). Mutations in this
   * process take effect on the next request regardless; changes made by
   * another instance or the CLI within this time.
   */
  authCacheMs: number;
  /** Pupils' personal data is erased this many months after their exchange ended. */
  retentionMonths: number;
  limits: {
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    maxCost: number;
    costBudgetPerHour: number;
  };
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment once; every problem is reported together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    twinsFile: e.TWINS_FILE ? path.resolve(e.TWINS_FILE) : undefined,
    sharedDataDir: path.resolve(e.SHARED_DATA_DIR),
    demoSeed: e.DEMO_SEED,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    autoSeed: e.AUTO_SEED ? e.AUTO_SEED === 'true' : e.NODE_ENV !== 'production',
    introspection: e.NODE_ENV !== 'production' || e.ENABLE_INTROSPECTION === 'true',
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    statementTimeoutMs: e.STATEMENT_TIMEOUT_MS ?? (e.NODE_ENV === 'production' ? 5_000 : 30_000),
    authCacheMs: e.AUTH_CACHE_MS,
    retentionMonths: e.RETENTION_MONTHS,
    limits: {
      maxDepth: e.LIMIT_DEPTH,
      maxAliases: e.LIMIT_ALIASES,
      maxTokens: e.LIMIT_TOKENS,
      maxDirectives: e.LIMIT_DIRECTIVES,
      maxCost: e.LIMIT_COST,
      costBudgetPerHour: e.COST_BUDGET_PER_HOUR,
    },
  };
}

/** For entry points: load the config or print every problem and exit non-zero. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
