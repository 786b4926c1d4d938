"""SQA205: insert(), update() and delete() built with constructor arguments."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, delete, insert, select, update

engine = create_engine("sqlite://")
metadata = MetaData()
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False),
    Column("qty", Integer, nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(insert(items, values={"id": 1, "name": "nail", "qty": 10}))
    conn.execute(items.insert({"id": 2, "name": "screw", "qty": 5}))
    conn.execute(insert(items, values={"id": 3, "name": "bolt", "qty": 2}, inline=True))
    conn.execute(items.update(items.c.id == 1, values={"qty": 12}))
    conn.execute(update(items, items.c.id == 2, {"name": "wood screw"}))
    conn.execute(
        items.update(items.c.id == 3, preserve_parameter_order=True).values(
            [(items.c.qty, 4), (items.c.name, "hex bolt")]
        )
    )
    conn.execute(items.delete(items.c.qty < 5))
    conn.execute(delete(items, items.c.id == 99))

with engine.connect() as conn:
    print("items:", [tuple(row) for row in conn.execute(select(items).order_by(items.c.id))])
