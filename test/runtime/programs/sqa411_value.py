"""SQA411: Query.value(), which the migration reads with LIMIT 1."""
# runtime: sql-differs
# value() read the first row of an unlimited SELECT; with_entities(...).limit(1).scalar() asks the
# database for that row alone, so the SQL gains a LIMIT while the values printed stay the same.
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([Item(id=1, name="one"), Item(id=2, name="two")])
session.commit()

print("one row:", session.query(Item).filter(Item.id == 2).value(Item.name))
print("first of several:", session.query(Item).order_by(Item.id.desc()).value(Item.name))
print("none:", session.query(Item).filter(Item.id == 9).value(Item.name))
session.close()
