import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createContext, type Context } from './context';
import { ViewerCache } from './modules/auth/viewer-cache';
import type { Orm } from './db';
import { createErrorFormatter, ForbiddenError } from './lib/errors';
import { Scope, ViewerKind } from './modules/auth/viewer';
import { createLimitsPlugin, limitParseOptions, limitValidationRules } from './modules/limits/limits';
import { buildAppSchema } from './schema';

export type App = {
  schema: GraphQLSchema;
  apollo: ApolloServer<Context>;
  /** The node:http request handler: /graphql, /healthz, /readyz. */
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
  stop: () => Promise<void>;
};

function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : randomUUID();
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

class BodyTooLarge extends Error {}

async function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Builds the schema, the Apollo server and the HTTP handler around one ORM. */
export async function createApp(opts: { config: Config; orm: Orm; logger: Logger }): Promise<App> {
  const { config, orm, logger } = opts;
  const schema = buildAppSchema();
  const viewers = new ViewerCache(config.authCacheMs);
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: createErrorFormatter(config.isProduction, (err) => logger.error({ err }, 'unexpected error in a resolver')),
    includeStacktraceInErrorResponses: !config.isProduction,
    introspection: config.introspection,
    csrfPrevention: true,
    // server.ts owns SIGTERM handling: drain HTTP first, then stop Apollo.
    stopOnTerminationSignals: false,
    // Depth, aliases, directives and tokens are refused while parsing and
    // validating; cost and budget in the plugin: all before any SQL.
    validationRules: limitValidationRules(config.limits),
    parseOptions: limitParseOptions(config.limits),
    plugins: [
      // Apollo's default cache-control plugin wraps every field resolver to
      // collect hints we never give: no response of ours is cacheable (each
      // depends on the caller). handleGraphql sends its one header itself.
      ApolloServerPluginCacheControlDisabled(),
      createLimitsPlugin<Context>({
        limits: config.limits,
        // Authenticates the caller (the first SQL of a request) only once the cost is known to be acceptable.
        budgetKey: async (ctx) => {
          const viewer = await ctx.viewer();
          // An app reads only with public:read; without it, it may do nothing at all.
          if (viewer.kind === ViewerKind.CLIENT && !viewer.scopes.has(Scope.PUBLIC_READ)) {
            throw new ForbiddenError('This app token lacks the public:read scope.');
          }
          return viewer.budgetKey;
        },
      }),
    ],
  });
  await apollo.start();

  async function handleGraphql(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string, log: Logger) {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      const raw = await readBody(req, config.bodyLimitBytes);
      if ((headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = raw.length ? JSON.parse(raw) : undefined;
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'Body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
        }
      } else {
        body = raw;
      }
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () =>
        createContext(orm, { requestId, log, authorization: headers.get('authorization'), ip: req.socket.remoteAddress, viewers }),
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    // What the cache-control plugin sent for an uncacheable response.
    if (!res.hasHeader('cache-control')) res.setHeader('cache-control', 'no-store');
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    const log = logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/healthz') {
        sendJson(res, 200, { status: 'ok' });
      } else if (url.pathname === '/readyz') {
        try {
          await orm.em.getConnection().execute('select 1');
          sendJson(res, 200, { status: 'ready' });
        } catch (err) {
          log.warn({ err }, 'database not ready');
          sendJson(res, 503, { status: 'database unavailable' });
        }
      } else if (url.pathname === '/graphql') {
        await handleGraphql(req, res, url, requestId, log);
      } else {
        sendJson(res, 404, { error: 'Not found. The API is at /graphql.' });
      }
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        sendJson(res, 413, { errors: [{ message: `Request body over ${config.bodyLimitBytes} bytes.`, extensions: { code: 'BAD_REQUEST' } }] });
      } else {
        log.error({ err }, 'request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.end();
      }
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    }
  }

  return { schema, apollo, handle, stop: () => apollo.stop() };
}
