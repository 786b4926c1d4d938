import type { Node } from '../parse/parser';
import type { Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { receiversOf } from '../semantics/receivers';
import { referencesTo, soleBinding } from '../semantics/references';

/** Calls that end the session's hold on its connection. */
const CLOSING_METHODS = new Set(['close', 'aclose', 'invalidate']);

/**
 * SQA605 async-session-scope: an AsyncSession that nothing closes.
 */
export const asyncSessionScope: Rule = {
  code: 'SQA605',
  id: 'async-session-scope',
  tier: 'pitfall',
  fixable: 'none',
  // AsyncSession and its factories are all imported from a `...ext.asyncio` module.
  textWords: ['asyncio'],
  guide: { anchor: 'asyncio-support', title: 'Asyncio Support' },
  docs: {
    summary: 'an `AsyncSession` created outside `async with` and never closed',
    what: 'Flags an `AsyncSession` (from `AsyncSession(...)`, `async_sessionmaker()` or `sessionmaker(class_=AsyncSession)`) that is created and then neither entered with `async with`, nor closed with `await session.close()`, nor used only inside `async with session.begin():`, nor handed on (returned, passed to a call, stored on an object). A session yielded by a dependency counts as not handed on: the code after `yield` is where it must be closed.',
    why: 'An AsyncSession holds a pooled connection from its first query until it is closed or its transaction ends. Garbage collection cannot give that connection back properly under asyncio: the pool fills with connections nobody returns, requests wait for checkout timeouts, and SQLAlchemy warns about connections cleaned up by the garbage collector. `async with` closes the session on every path, exceptions included.',
    example: 'from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\nasync_session_factory = async_sessionmaker(create_async_engine("postgresql+asyncpg://app@db/app"))\n\n\nasync def get_async_session():\n    session = async_session_factory()\n    yield session',
    useInstead: 'from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine\nasync_session_factory = async_sessionmaker(create_async_engine("postgresql+asyncpg://app@db/app"))\n\n\nasync def get_async_session():\n    async with async_session_factory() as session:\n        yield session',
    fixSafety: 'No automatic fix: wrapping the uses in `async with` means re-indenting the code that uses the session and deciding where its scope ends, which the code does not say. `try: ... finally: await session.close()` is the equivalent where a block does not fit.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const call of model.checkedNodes('call')) {
      if (receivers.kindOf(call) !== 'asyncSession') continue;
      if (isLeftOpen(model, call)) context.report(call, 'AsyncSession created without async with is never closed; its connection is not returned to the pool');
    }
  },
};

/** True when the session made by `call` is provably neither closed nor handed to other code. */
function isLeftOpen(model: ModuleModel, call: Node): boolean {
  const parent = call.parent;
  if (!parent) return false;
  // `await AsyncSession(engine).execute(...)`: a session nobody can close any more.
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === call.id) {
    return !CLOSING_METHODS.has(parent.childForFieldName('attribute')?.text ?? '');
  }
  if (parent.type !== 'assignment' || parent.childForFieldName('right')?.id !== call.id) return false;
  const target = parent.childForFieldName('left');
  const binding = target && soleBinding(model, target);
  if (!binding) return false;
  return referencesTo(model, binding).every((use) => !closesOrHandsOn(use));
}

/** A use that closes the session, scopes it, or lets other code take charge of it. */
function closesOrHandsOn(use: Node): boolean {
  const parent = use.parent;
  if (!parent) return true;
  switch (parent.type) {
    case 'attribute': {
      if (parent.childForFieldName('object')?.id !== use.id) return true;
      const method = parent.childForFieldName('attribute')?.text ?? '';
      if (CLOSING_METHODS.has(method)) return true;
      // `async with session.begin():` ends the transaction, and with it the connection, on every path.
      return method === 'begin' && parent.parent?.type === 'call' && isWithContext(parent.parent);
    }
    case 'expression_statement':
      return false;
    case 'yield':
      return false;
    case 'await':
      return true;
    default:
      // `async with session:`, return, arguments, containers, other names: someone else's job now.
      return true;
  }
}

function isWithContext(expr: Node): boolean {
  const parent = expr.parent;
  if (parent?.type === 'with_item') return true;
  return parent?.type === 'as_pattern' && parent.parent?.type === 'with_item';
}
