"""SQA411: populate_existing() and values() on Query."""
from sqlalchemy import Column, Integer, String, create_engine, text
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

held = session.get(Item, 1)
session.execute(text("UPDATE items SET name = 'uno' WHERE id = 1"))
stale = session.query(Item).filter(Item.id == 1).one()
print("without populate_existing:", stale.name)
fresh = session.query(Item).filter(Item.id == 1).populate_existing().one()
print("with populate_existing:", fresh.name, held.name)

for item_id, name in session.query(Item).order_by(Item.id).values(Item.id, Item.name):
    print("values:", item_id, name)
print("listed:", list(session.query(Item).filter(Item.id > 1).values(Item.name)))
session.close()
