"""SQA201: select() called with a list of columns, in Core and ORM code."""
import sqlalchemy as sa
from sqlalchemy import Column, Integer, String, Table, create_engine, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)


cities = Table(
    "cities",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("people", Integer, nullable=False),
)

engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with engine.begin() as conn:
    conn.execute(cities.insert(), [{"id": 1, "name": "Oslo", "people": 700}, {"id": 2, "name": "Bergen", "people": 290}])

with engine.connect() as conn:
    rows = conn.execute(select([cities.c.name, cities.c.people]).order_by(cities.c.people)).fetchall()
    print("cities:", [tuple(row) for row in rows])
    big = conn.execute(select([cities.c.name]).where(cities.c.people > 500)).scalars().all()
    print("big:", big)

session = Session(engine)
session.add_all([User(id=1, name="ann"), User(id=2, name="bob")])
session.commit()
print("ids:", session.execute(sa.select([User.id]).order_by(User.id.desc())).scalars().all())
print("pairs:", session.execute(sa.select([User.id, User.name]).order_by(User.name)).all())
session.close()
