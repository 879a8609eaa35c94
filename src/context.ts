import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Orm } from './db';
import { createLoaders, type Loaders } from './loaders';
import { authenticate } from './modules/auth/tokens';
import type { Viewer } from './modules/auth/viewer';
import type { ViewerCache } from './modules/auth/viewer-cache';

/** Everything one request needs; built fresh per request by createContext. */
export type Context = {
  em: EntityManager;
  loaders: Loaders;
  requestId: string;
  log: Logger | undefined;
  /**
   * The caller, authenticated on first use (one statement) and memoised.
   * The limits plugin asks first, after the cost check, so a refused query
   * runs no SQL at all.
   */
  viewer: () => Promise<Viewer>;
  /** Root resolvers may answer a whole subtree in one statement (compiled-read.ts); off only to compare in tests. */
  compiledReads: boolean;
};

export type ContextOptions = {
  requestId?: string;
  log?: Logger;
  /** The raw Authorization header, if any. */
  authorization?: string;
  /** Client address, the budget key of anonymous callers. */
  ip?: string;
  /** Viewers resolved by recent requests (the server's); none: every request looks its token up. */
  viewers?: ViewerCache;
  /** Default true; tests turn it off to compare the compiled answer with the resolvers' own. */
  compiledReads?: boolean;
};

export function createContext(orm: Orm, opts: ContextOptions = {}): Context {
  const em = orm.em.fork() as EntityManager;
  let viewer: Promise<Viewer> | undefined;
  return {
    em,
    loaders: createLoaders(em),
    requestId: opts.requestId ?? randomUUID(),
    log: opts.log,
    viewer: () => (viewer ??= authenticate(em, opts.authorization, opts.ip, opts.viewers)),
    compiledReads: opts.compiledReads ?? true,
  };
}
