"""SQA204: case() given its WHEN pairs as a list."""
from sqlalchemy import Column, Integer, MetaData, String, Table, case, create_engine, select

engine = create_engine("sqlite://")
metadata = MetaData()
scores = Table(
    "scores",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("points", Integer, nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(scores.insert(), [{"id": 1, "points": 3}, {"id": 2, "points": 7}, {"id": 3, "points": 11}])

grade = case(
    [(scores.c.points < 5, "low"), (scores.c.points < 10, "mid")],
    else_="high",
)
pairs = [(scores.c.points == 7, "seven")]
seven = case(pairs, else_="other")
parity = case(whens=[(scores.c.points % 2 == 1, "odd")], else_="even")

with engine.connect() as conn:
    rows = conn.execute(select(scores.c.id, grade, seven, parity).order_by(scores.c.id)).fetchall()
    print("grades:", [tuple(row) for row in rows])
