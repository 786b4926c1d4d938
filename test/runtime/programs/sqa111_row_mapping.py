"""SQA111: Core result rows read like dictionaries."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select, text

engine = create_engine("sqlite://")
metadata = MetaData()
cities = Table(
    "cities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False),
    Column("people", Integer, nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(cities.insert(), [{"id": 1, "name": "Oslo", "people": 700}, {"id": 2, "name": "Bergen", "people": 290}])

with engine.connect() as conn:
    for row in conn.execute(select(cities).order_by(cities.c.id)):
        print(row["name"], row[cities.c.people], "people" in row, "area" in row)
        print("keys:", row.keys(), sorted(row.keys()))
        print("as dict:", dict(row))
    first = conn.execute(text("SELECT id, name FROM cities ORDER BY id")).first()
    print("first:", first["id"], first["name"])
    rows = conn.execute(select(cities.c.name)).fetchall()
    print("names:", [r["name"] for r in rows], rows[-1]["name"])
