"""SQA101: connectionless Engine.execute() / Engine.scalar() in the statement forms the fix rewrites."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select

engine = create_engine("sqlite://")
metadata = MetaData()
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
)
metadata.create_all(engine)

# Expression statements: writes that 1.4 autocommits.
engine.execute(users.insert(), [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}])
engine.execute(users.insert().values(id=3, name="cy"))
engine.execute(users.update().where(users.c.id == 2).values(name="bo"))

# A result consumed within the same statement.
rows = engine.execute(select(users.c.name).order_by(users.c.id)).fetchall()
print("names:", [row.name for row in rows])

total = engine.scalar(select(func.count()).select_from(users))
print("count:", total)

for row in engine.execute(select(users.c.id, users.c.name).where(users.c.id > 1).order_by(users.c.id)):
    print("row:", row.id, row.name)

first = engine.execute(select(users.c.name).where(users.c.id == 1)).scalar()
print("first:", first)
