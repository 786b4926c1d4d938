"""SQA106: plain SQL strings passed to Connection.execute() and Session.execute()."""
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

engine = create_engine("sqlite://")

with engine.begin() as conn:
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(40) NOT NULL)")
    conn.execute("INSERT INTO notes (id, body) VALUES (?, ?)", (1, "first"))
    conn.execute("INSERT INTO notes (id, body) VALUES (?, ?)", (2, "second"))
    conn.execute("INSERT INTO notes (id, body) VALUES (3, 'third')")

with engine.connect() as conn:
    rows = conn.execute("SELECT id, body FROM notes ORDER BY id").fetchall()
    print("rows:", [(row.id, row.body) for row in rows])
    print("count:", conn.execute("SELECT count(*) FROM notes").scalar())

session = Session(engine)
body = session.execute("SELECT body FROM notes WHERE id = :x", {"x": 1}).scalar()
print("body:", body)
longer = session.execute("SELECT id FROM notes WHERE length(body) > :n ORDER BY id", {"n": 5}).scalars().all()
print("longer:", longer)
session.close()
