"""SQA108: several parameter sets passed to Connection.execute() as separate arguments."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select, text

engine = create_engine("sqlite://")
metadata = MetaData()
birds = Table(
    "birds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(birds.insert(), {"id": 1, "name": "wren"}, {"id": 2, "name": "robin"})
    conn.execute(
        text("INSERT INTO birds (id, name) VALUES (:id, :name)"),
        {"id": 3, "name": "owl"},
        {"id": 4, "name": "kite"},
    )
    late = {"id": 5, "name": "swift"}
    later = dict(id=6, name="crow")
    conn.execute(birds.insert(), late, later)

with engine.connect() as conn:
    print("birds:", conn.execute(select(birds.c.name).order_by(birds.c.id)).scalars().all())
