"""SQA110: select imported from the sqlalchemy.future transition package."""
# runtime: no-warning-before
# The future package is still there in 2.0 and 1.4 does not warn about it: the check is
# that the import from sqlalchemy builds and runs the same statements.
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine
from sqlalchemy.future import select

engine = create_engine("sqlite://")
metadata = MetaData()
tools = Table(
    "tools",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(tools.insert(), [{"id": 1, "name": "saw"}, {"id": 2, "name": "drill"}])

with engine.connect() as conn:
    print("tools:", conn.execute(select(tools.c.name).order_by(tools.c.name)).scalars().all())
    print("first:", conn.execute(select(tools).where(tools.c.id == 1)).one())
