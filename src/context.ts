import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Orm } from './db';
import { createLoaders, type Loaders } from './loaders';

/** Everything one request needs; built fresh per request by createContext. */
export type Context = {
  em: EntityManager;
  loaders: Loaders;
  requestId: string;
  log: Logger | undefined;
};

export function createContext(orm: Orm, opts: { requestId?: string; log?: Logger } = {}): Context {
  const em = orm.em.fork() as EntityManager;
  return { em, loaders: createLoaders(em), requestId: opts.requestId ?? randomUUID(), log: opts.log };
}
