/**
 * The dashboard server: the dashboard page and a read-only REST API over the sessions in one
 * folder. Query parameters are checked by JSON schemas (a bad one is a 400 with a message);
 * sessions are found by listing the folder and looked up by name, so no request can reach a
 * file outside it.
 *
 *   GET /                                        the dashboard
 *   GET /api/sessions                            sessions in the folder
 *   GET /api/sessions/:session/summary           what the first view needs: counters, the eight metrics, threads
 *   GET /api/sessions/:session/types             bytes by category → subcategory → type, the filters' choices
 *   GET /api/sessions/:session/findings          ?offset&limit  leak and safety findings, most severe first; notes
 *   GET /api/sessions/:session/timeline          ?width&from&to  heap timelines, GCs, tracked memory
 *   GET /api/sessions/:session/values            ?name&type&category&thread&pid&scope&state
 *                                                 &minSize&maxSize&minExternal&minLifetime&maxLifetime
 *                                                 &sort&dir&offset&limit
 *   GET /api/sessions/:session/values/:id        one value in detail
 *   GET /api/sessions/:session/sites             the sampling profile's call tree and hot spots
 *   GET /api/sessions/:session/lifecycles        ?from&to&limit  the largest values alive in a range
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type SessionEntry, VALUE_SORTS, VALUE_STATES, type ValueQuery } from '../report/dashboard-data.js';
import { contentSecurityPolicy, type DashboardTemplate, loadDashboardTemplate, serverHtml } from '../report/html.js';
import { findSessions, type LoadModel, RequestGauge, SessionCache, type SessionFolder } from './sessions.js';

export interface ServerOptions {
  /** The served folder: a session folder, or a folder of session folders (MemoryAnalysis/). */
  root: string;
  load: LoadModel;
  /** Sessions kept loaded. */
  cacheSize?: number;
  /** The dashboard build (default: this package's). */
  template?: DashboardTemplate;
  logger?: boolean;
  /** Start loading the most recent session at once, so the first page view finds it ready. */
  preload?: boolean;
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_WIDTH = 10_000;
const nonNegative = { type: 'number', minimum: 0 };
const time = { type: 'number', minimum: 0 };
const noQuery = { type: 'object', additionalProperties: false, properties: {} };
const sessionParams = {
  type: 'object',
  required: ['session'],
  properties: { session: { type: 'string', minLength: 1, maxLength: 255 } },
};

const valuesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 500 },
    type: { type: 'string', maxLength: 2000 },
    category: { type: 'string', maxLength: 200 },
    scope: { type: 'string', maxLength: 2000 },
    thread: { type: 'integer', minimum: 0 },
    pid: { type: 'integer', minimum: 0 },
    state: { type: 'string', enum: [...VALUE_STATES] },
    minSize: nonNegative,
    maxSize: nonNegative,
    minExternal: nonNegative,
    minLifetime: nonNegative,
    maxLifetime: nonNegative,
    sort: { type: 'string', enum: [...VALUE_SORTS] },
    dir: { type: 'string', enum: ['asc', 'desc'] },
    offset: { type: 'integer', minimum: 0, maximum: 1e9 },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
  },
};

function checkRange(lo: number | undefined, hi: number | undefined, what: string): void {
  if (lo !== undefined && hi !== undefined && lo > hi)
    throw new HttpError(400, `${what}: the lower bound is above the upper bound`);
}

export function createServer(options: ServerOptions): FastifyInstance {
  const template = options.template ?? loadDashboardTemplate();
  const csp = contentSecurityPolicy(template, "'self'");
  const gauge = new RequestGauge();
  const cache = new SessionCache(options.load, options.cacheSize ?? 4, gauge);
  const app = Fastify({
    logger: options.logger ?? false,
    // Unknown query parameters are errors, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
    routerOptions: { maxParamLength: 500 },
  });

  // A loaded session's background work (sort orders, findings...) waits while requests are answered.
  app.addHook('onRequest', async (_req, reply) => {
    gauge.start();
    // 'close' comes whether the response was sent or the client went away.
    reply.raw.once('close', () => gauge.end());
  });

  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    const status = error instanceof HttpError ? error.statusCode : error.validation ? 400 : (error.statusCode ?? 500);
    if (status >= 500) app.log.error(error);
    reply.code(status).send({
      statusCode: status,
      error: status === 400 ? 'Bad Request' : status === 404 ? 'Not Found' : 'Error',
      message: error.message,
    });
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .send({ statusCode: 404, error: 'Not Found', message: `no such page: ${req.method} ${req.url.slice(0, 200)}` });
  });

  const entries = (list: SessionFolder[]): SessionEntry[] =>
    list.map(({ name, files, bytes, modifiedMs }) => ({ name, files, bytes, modifiedMs }));

  /** Starts reading the most recent session in the background (a failure shows when it is asked for). */
  const loadNewest = (list: SessionFolder[]) => {
    if (list[0]) cache.get(list[0]).catch(() => undefined);
  };

  const sendPage = async (_req: FastifyRequest, reply: FastifyReply) => {
    // The page holds the session list, so its first request can be the session's summary.
    const list = await findSessions(options.root).catch(() => []);
    reply
      .header('content-security-policy', csp)
      .type('text/html; charset=utf-8')
      .send(serverHtml(template, entries(list)));
    // The page asks for the newest session next (unless its address names another): its
    // scripts take a while to start, so the read starts as soon as the page is sent (not
    // before: the read holds the event loop, and the rest of the page would wait for it).
    reply.raw.once('finish', () => loadNewest(list));
  };
  app.get('/', sendPage);
  app.get('/index.html', sendPage);

  app.get('/api/sessions', { schema: { querystring: noQuery } }, async () => entries(await findSessions(options.root)));

  const session = async (req: FastifyRequest) => {
    const name = (req.params as { session: string }).session;
    const folder = (await findSessions(options.root)).find((s) => s.name === name);
    if (!folder)
      throw new HttpError(404, `no session named ${JSON.stringify(name.slice(0, 100))} in the served folder`);
    try {
      return await cache.get(folder);
    } catch (error) {
      throw new HttpError(
        500,
        `cannot load session ${name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  app.get('/api/sessions/:session/summary', { schema: { params: sessionParams, querystring: noQuery } }, async (req) =>
    (await session(req)).summary(),
  );

  app.get('/api/sessions/:session/types', { schema: { params: sessionParams, querystring: noQuery } }, async (req) =>
    (await session(req)).types(),
  );

  app.get(
    '/api/sessions/:session/findings',
    {
      schema: {
        params: sessionParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            offset: { type: 'integer', minimum: 0, maximum: 1e9 },
            limit: { type: 'integer', minimum: 0, maximum: 1000 },
          },
        },
      },
    },
    async (req) => {
      const q = req.query as { offset?: number; limit?: number };
      return (await session(req)).findings(q.offset ?? 0, q.limit ?? 100);
    },
  );

  app.get(
    '/api/sessions/:session/timeline',
    {
      schema: {
        params: sessionParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { width: { type: 'integer', minimum: 1, maximum: MAX_WIDTH }, from: time, to: time },
        },
      },
    },
    async (req) => {
      const q = req.query as { width?: number; from?: number; to?: number };
      checkRange(q.from, q.to, 'from and to');
      const s = await session(req);
      return s.timeline(q.width ?? 1000, q.from ?? 0, q.to ?? s.model.durationNs);
    },
  );

  app.get(
    '/api/sessions/:session/values',
    { schema: { params: sessionParams, querystring: valuesQuery } },
    async (req) => {
      const q = req.query as ValueQuery;
      checkRange(q.minSize, q.maxSize, 'minSize and maxSize');
      checkRange(q.minLifetime, q.maxLifetime, 'minLifetime and maxLifetime');
      const s = await session(req);
      return s.valuePage({ ...q, limit: q.limit ?? 100, offset: q.offset ?? 0 });
    },
  );

  app.get(
    '/api/sessions/:session/values/:id',
    {
      schema: {
        params: {
          ...sessionParams,
          required: ['session', 'id'],
          properties: { ...sessionParams.properties, id: { type: 'integer', minimum: 0 } },
        },
      },
    },
    async (req) => {
      const id = (req.params as { id: number }).id;
      const detail = (await session(req)).detail(id);
      if (!detail) throw new HttpError(404, `no value ${id} in this session`);
      return detail;
    },
  );

  app.get('/api/sessions/:session/sites', { schema: { params: sessionParams, querystring: noQuery } }, async (req) =>
    (await session(req)).sites(),
  );

  app.get(
    '/api/sessions/:session/lifecycles',
    {
      schema: {
        params: sessionParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: time, to: time, limit: { type: 'integer', minimum: 1, maximum: 5000 } },
        },
      },
    },
    async (req) => {
      const q = req.query as { from?: number; to?: number; limit?: number };
      checkRange(q.from, q.to, 'from and to');
      const s = await session(req);
      return s.lifecycles(q.from ?? 0, q.to ?? s.model.durationNs, q.limit ?? 500);
    },
  );

  if (options.preload)
    app.addHook('onReady', async () => {
      findSessions(options.root)
        .then(loadNewest)
        .catch(() => undefined);
    });
  app.addHook('onClose', async () => cache.close());
  return app;
}
