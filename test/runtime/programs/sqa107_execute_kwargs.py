"""SQA107: statement parameters passed to Connection.execute() as keyword arguments."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select, text

engine = create_engine("sqlite://")
metadata = MetaData()
pets = Table(
    "pets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("legs", Integer, nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(pets.insert(), id=1, kind="cat", legs=4)
    conn.execute(pets.insert(), id=2, kind="bird", legs=2)
    conn.execute(text("INSERT INTO pets (id, kind, legs) VALUES (:id, :kind, :legs)"), id=3, kind="snake", legs=0)

with engine.connect() as conn:
    kind = conn.execute(text("SELECT kind FROM pets WHERE id = :id"), id=2).scalar()
    print("kind:", kind)
    rows = conn.execute(text("SELECT kind FROM pets WHERE legs >= :low AND legs <= :high ORDER BY id"), low=1, high=4).fetchall()
    print("legged:", [row.kind for row in rows])
    print("all:", conn.execute(select(pets.c.kind).order_by(pets.c.legs)).scalars().all())
