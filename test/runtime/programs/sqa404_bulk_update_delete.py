"""SQA404: Query.update() and Query.delete(), with and without synchronize_session, result used or not."""
# runtime: no-warning-before
# Query.update()/delete() are legacy, not removed, and 1.4 emits no warning for them: the
# check is that the migrated statements change the same rows and report the same counts.
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)
    stock = Column(Integer, nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([Item(id=i, name=f"item{i}", stock=i * 10) for i in range(1, 7)])
session.commit()

held = session.get(Item, 2)
# evaluate (Query's default) refreshes the object held in the session.
changed = session.query(Item).filter(Item.stock < 30).update({"stock": 0})
print("updated:", changed, "held sees:", held.stock)
session.query(Item).filter_by(name="item3").update({Item.name: "renamed"}, synchronize_session="fetch")
print("renamed:", session.get(Item, 3).name)
gone = session.query(Item).filter(Item.stock == 0).delete(synchronize_session="fetch")
print("deleted:", gone)
session.query(Item).filter(Item.id == 6).delete(synchronize_session=False)
session.commit()
print("left:", [(i.id, i.name, i.stock) for i in session.query(Item).order_by(Item.id)])
session.close()
