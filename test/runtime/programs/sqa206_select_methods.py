"""SQA206: apply_labels(), as_scalar() and the in-place append_*() methods of a select."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select

engine = create_engine("sqlite://")
metadata = MetaData()
trees = Table(
    "trees",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("height", Integer, nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(trees.insert(), [{"id": 1, "kind": "oak", "height": 20}, {"id": 2, "kind": "birch", "height": 12}, {"id": 3, "kind": "oak", "height": 25}])

tallest = select(func.max(trees.c.height)).as_scalar()
stmt = select(trees.c.kind, trees.c.height).apply_labels()
stmt.append_whereclause(trees.c.height < tallest)
stmt.append_order_by(trees.c.height)
stmt.append_column(trees.c.id)

with engine.connect() as conn:
    result = conn.execute(stmt)
    print("keys:", list(result.keys()))
    print("rows:", [tuple(row) for row in result])
