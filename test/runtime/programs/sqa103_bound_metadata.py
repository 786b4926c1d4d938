"""SQA103: MetaData bound to an engine, then bind-less create_all()/reflect()/drop_all() and autoload=True."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect, select

engine = create_engine("sqlite://")
metadata = MetaData(bind=engine)
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(30), nullable=False),
)
metadata.create_all()

with engine.begin() as conn:
    conn.execute(items.insert(), [{"id": 1, "label": "pen"}, {"id": 2, "label": "ink"}])

# Reflect the same table through a second, positionally bound MetaData.
reflected_meta = MetaData(engine)
reflected = Table("items", reflected_meta, autoload=True)
print("columns:", [column.name for column in reflected.columns])

whole = MetaData(bind=engine)
whole.reflect()
print("tables:", sorted(whole.tables))

with engine.connect() as conn:
    labels = conn.execute(select(reflected.c.label).order_by(reflected.c.id)).scalars().all()
print("labels:", labels)

metadata.drop_all()
print("after drop:", inspect(engine).get_table_names())
