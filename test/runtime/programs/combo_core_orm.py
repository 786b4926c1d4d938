"""Combination: Core and ORM code in one module, with several rules meeting on the same lines."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select, text
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import Session

engine = create_engine("sqlite://")
metadata = MetaData()
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
)
Base = declarative_base(metadata=metadata)


class Member(Base):
    __tablename__ = "members"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)


metadata.create_all(engine)

engine.execute(events.insert(), [{"id": 1, "kind": "join"}, {"id": 2, "kind": "leave"}, {"id": 3, "kind": "join"}])
kinds = engine.execute(select([events.c.kind]).order_by(events.c.id)).fetchall()
print("kinds:", [row.kind for row in kinds])
joins = engine.scalar(select([func.count()]).select_from(events).where(events.c.kind == "join"))
print("joins:", joins)

with engine.begin() as conn:
    conn.execute(text("INSERT INTO members (id, name) VALUES (:id, :name)"), id=1, name="ann")
    conn.execute("INSERT INTO members (id, name) VALUES (?, ?)", (2, "bob"))
    print("members:", conn.execute("SELECT count(*) FROM members").scalar())

names = engine.execute("SELECT name FROM members ORDER BY id DESC").fetchall()
print("names:", [row.name for row in names])

session = Session(engine)
print("get:", session.query(Member).get(2).name)
print("all:", [member.name for member in session.query(Member).order_by(Member.name).all()])
print("count:", session.query(Member).count())
for (kind,) in session.execute(select([events.c.kind]).distinct().order_by(events.c.kind)):
    print("kind:", kind)
session.close()
