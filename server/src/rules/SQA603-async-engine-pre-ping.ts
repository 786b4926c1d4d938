import type { Node } from '../parse/parser';
import type { Rule, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, keywordName, keywordValue, lineIndentOf, type CallParts } from './helpers';
import { ASYNC_ENGINE_FACTORIES } from '../semantics/names';

/** Pool classes that hold no idle connections, so there is nothing stale to ping. */
const POOLS_WITHOUT_IDLE_CONNECTIONS = /(^|\.)(NullPool|StaticPool|AssertionPool)$/;

/**
 * SQA603 async-engine-pre-ping: an async engine whose pool hands out connections without checking them.
 */
export const asyncEnginePrePing: Rule = {
  code: 'SQA603',
  id: 'async-engine-pre-ping',
  tier: 'pitfall',
  fixable: 'safe',
  guide: { anchor: 'asyncio-support', title: 'Asyncio Support' },
  docs: {
    summary: '`create_async_engine()` without `pool_pre_ping=True`',
    what: 'Flags `create_async_engine(...)` calls that do not set `pool_pre_ping`. Engines that pass `pool_pre_ping` (with any value), spread `**options` into the call, or use a pool that keeps no idle connections (`NullPool`, `StaticPool`) are left alone.',
    why: 'Managed databases and proxies close connections that sit idle. Without a ping on checkout, the pool hands such a dead connection to the next request, which then fails with a `ConnectionResetError` or a disconnect error instead of getting a fresh connection. With `pool_pre_ping=True` the pool tests each connection as it is checked out and replaces the dead ones.',
    example: 'from sqlalchemy.ext.asyncio import create_async_engine\nasync_engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_size=20)',
    useInstead: 'from sqlalchemy.ext.asyncio import create_async_engine\nasync_engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_size=20, pool_pre_ping=True)',
    fixSafety: 'Safe: the fix adds `pool_pre_ping=True` as the last argument, which SQLAlchemy 1.4 and 2.0 accept for every async dialect. It does change what runs: each checkout costs one light round trip (a `SELECT 1` or the driver\'s ping), and a connection that fails the ping is replaced silently instead of failing the request.',
  },
  check(context) {
    const { model } = context;
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      if (!parts) continue;
      // Only SQLAlchemy's factory, however it was imported.
      if (!ASYNC_ENGINE_FACTORIES.has(model.qualifiedName(parts.fn) ?? '')) continue;
      // `**options` may carry the flag already.
      if (parts.splats.some((s) => s.type === 'dictionary_splat')) continue;
      // An explicit value, even False, is a decision already made.
      if (parts.keywords.some((k) => keywordName(k) === 'pool_pre_ping')) continue;
      if (parts.keywords.some((k) => keywordName(k) === 'poolclass' && POOLS_WITHOUT_IDLE_CONNECTIONS.test(keywordValue(k)?.text ?? ''))) continue;
      // No URL: not a working call, nothing to add to.
      if (parts.positional.length + parts.keywords.length === 0) continue;
      const edits = appendKeyword(model, parts, 'pool_pre_ping=True');
      context.report(call, 'create_async_engine() without pool_pre_ping=True hands out dead connections after idle timeouts', edits && {
        title: 'Add pool_pre_ping=True',
        safety: 'safe',
        edits,
      });
    }
  },
};

/** Adds `keyword` after the last argument; on a line of its own when the closing parenthesis has one. */
function appendKeyword(model: ModuleModel, parts: CallParts, keyword: string): TextEdit[] | undefined {
  const args = parts.argumentList.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  const last = args[args.length - 1];
  if (!last) return undefined;
  const close = parts.argumentList.endIndex - 1;
  const closeLineStart = model.text.lastIndexOf('\n', close - 1) + 1;
  const ownLine = last.endIndex < closeLineStart && /^[ \t]*$/.test(model.text.slice(closeLineStart, close));
  const indent = lineIndentOf(model, last);
  if (!ownLine || indent === undefined) return [{ start: last.endIndex, end: last.endIndex, newText: `, ${keyword}` }];
  // A new line above the parenthesis keeps any comment after the last argument where it was.
  const trailingComma = /^\s*,/.test(model.text.slice(last.endIndex, close));
  const newline = model.text.includes('\r\n') ? '\r\n' : '\n';
  const line = { start: closeLineStart, end: closeLineStart, newText: `${indent}${keyword}${trailingComma ? ',' : ''}${newline}` };
  return trailingComma ? [line] : [{ start: last.endIndex, end: last.endIndex, newText: ',' }, line];
}
