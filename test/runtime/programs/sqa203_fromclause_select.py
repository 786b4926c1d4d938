"""SQA203: FromClause.select() given a WHERE clause and keyword arguments."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine

engine = create_engine("sqlite://")
metadata = MetaData()
planets = Table(
    "planets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False),
    Column("moons", Integer, nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(planets.insert(), [{"id": 1, "name": "Earth", "moons": 1}, {"id": 2, "name": "Mars", "moons": 2}, {"id": 3, "name": "Venus", "moons": 0}])

with engine.connect() as conn:
    print("one:", conn.execute(planets.select(planets.c.id == 2)).fetchall())
    print("mooned:", conn.execute(planets.select(planets.c.moons > 0, order_by=planets.c.name.desc())).fetchall())
    print("first:", conn.execute(planets.select(order_by=[planets.c.moons], limit=1)).fetchall())
    aliased = planets.alias("p")
    print("alias:", conn.execute(aliased.select(aliased.c.name == "Venus")).fetchall())
