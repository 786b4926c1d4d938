"""SQA602 near-misses: rows of a one-entity select() read as rows must stay rows.

The Query.get() call gives the migration something to change; if SQA602 turned any
execute() below into scalars(), row[0], row.User and the unpacking would break.
"""
from sqlalchemy import Column, Integer, String, create_engine, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([User(id=1, name="ann"), User(id=2, name="bob")])
session.commit()

print("by pk:", session.query(User).get(1).name)
for row in session.execute(select(User).order_by(User.id)):
    print("indexed:", row[0].name)
first = session.execute(select(User).order_by(User.id)).first()
print("by key:", first.User.name)
for (user,) in session.execute(select(User).order_by(User.id)):
    print("unpacked:", user.name)
rows = session.execute(select(User).order_by(User.id)).all()
print("mapping:", [row._mapping["User"].name for row in rows])
print("count:", len(rows), len(rows[0]))
session.close()
