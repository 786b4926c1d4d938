import type { Node } from '../parse/parser';
import type { Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts } from './helpers';
import { provenReceiversOf, receiversOf, type ReceiverKind } from '../semantics/receivers';

/** Session methods that talk to the database (or check out a connection) before they return. */
const BLOCKING_SESSION_METHODS = new Set([
  'execute', 'scalar', 'scalars', 'get', 'commit', 'rollback', 'flush', 'refresh', 'merge', 'connection',
  'bulk_save_objects', 'bulk_insert_mappings', 'bulk_update_mappings',
]);

/** Engine methods that check out a connection or run SQL. */
const BLOCKING_ENGINE_METHODS = new Set([
  'connect', 'begin', 'execute', 'scalar', 'raw_connection', 'table_names', 'has_table', 'run_callable', 'transaction',
]);

const SYNC_SESSIONS = new Set<ReceiverKind>(['session', 'scopedSession']);

/**
 * SQA601 sync-session-in-async: blocking Session or Engine calls made on the event loop.
 */
export const syncSessionInAsync: Rule = {
  code: 'SQA601',
  id: 'sync-session-in-async',
  tier: 'pitfall',
  fixable: 'none',
  // Only `async def` bodies are looked at.
  textWords: ['async'],
  guide: { anchor: 'asyncio-support', title: 'Asyncio Support' },
  docs: {
    summary: 'a synchronous Session or Engine used inside `async def`',
    what: 'Flags, in the body of an `async def`, calls that do database I/O on a synchronous `Session` (from `Session(...)`, a `sessionmaker()` factory, `scoped_session` or a `Session` annotation) or on an `Engine` from `create_engine()`, and any `session.query(...)`, which an `AsyncSession` does not have. Nested plain functions and lambdas are left alone, since they are often handed to a thread (`run_in_executor`, `AsyncSession.run_sync`).',
    why: 'A synchronous Session waits for the database on the calling thread. Inside a coroutine that thread is the event loop, so every other request handled by the loop stalls until the query returns, and throughput collapses under load. The asyncio extension (`create_async_engine`, `AsyncSession`) awaits the same work instead.',
    example: 'async def list_users():\n    with Session(engine) as db:\n        return db.execute(select(User)).scalars().all()',
    useInstead: 'from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\nasync_engine = create_async_engine("postgresql+asyncpg://app@db/app")\nasync_session_factory = async_sessionmaker(async_engine, expire_on_commit=False)\n\n\nasync def list_users():\n    async with async_session_factory() as db:\n        return (await db.scalars(select(User))).all()',
    fixSafety: 'No automatic fix: moving to the asyncio extension changes the engine URL (an async driver), the session factory, every I/O call (`await`), and lazy loading (which must become eager loading or `AsyncAttrs`). Short of that, run the synchronous code in a thread with `await asyncio.to_thread(...)` or `run_in_executor`.',
  },
  check(context) {
    const { model } = context;
    for (const fn of model.checkedNodes('function_definition')) {
      if (!isAsyncFunction(fn)) continue;
      const body = fn.childForFieldName('body');
      if (!body) continue;
      for (const call of body.descendantsOfType('call')) {
        if (!call || model.scopeNodeOf(call).id !== fn.id) continue;
        const message = blockingCallMessage(model, call);
        if (message) context.report(call, message);
      }
    }
  },
};

function isAsyncFunction(fn: Node): boolean {
  return fn.children.some((child) => child?.type === 'async');
}

/** Why the call blocks the event loop, or undefined when it does not (or may not). */
function blockingCallMessage(model: ModuleModel, call: Node): string | undefined {
  const parts = callParts(call);
  if (!parts?.object || !parts.method) return undefined;
  // An awaited call is already the asyncio API.
  if (call.parent?.type === 'await') return undefined;
  const proven = provenReceiversOf(model).kindOf(parts.object);
  if (SYNC_SESSIONS.has(proven) && BLOCKING_SESSION_METHODS.has(parts.method)) {
    return `synchronous Session.${parts.method}() inside async def blocks the event loop; use AsyncSession and await it`;
  }
  if (proven === 'engine' && BLOCKING_ENGINE_METHODS.has(parts.method)) {
    return `synchronous Engine.${parts.method}() inside async def blocks the event loop; use create_async_engine() and await it`;
  }
  // AsyncSession has no query(): a session named so is the synchronous one, or broken either way.
  if (parts.method === 'query' && SYNC_SESSIONS.has(receiversOf(model).kindOf(parts.object))) {
    return 'Session.query() inside async def runs synchronously and blocks the event loop; use AsyncSession and await session.execute(select(...))';
  }
  return undefined;
}
