/** A small legacy module the JSON-RPC tests open: an ORM query, `Query.get()` and `Engine.execute()`. */
export const LEGACY = [
  'from sqlalchemy import create_engine',
  'from sqlalchemy.orm import Session',
  '',
  'engine = create_engine("sqlite://")',
  'session = Session(engine)',
  'user = session.query(User).get(5)',
  'users = session.query(User).filter(User.id > 1).all()',
  'engine.execute("DELETE FROM users")',
  '',
].join('\n');
