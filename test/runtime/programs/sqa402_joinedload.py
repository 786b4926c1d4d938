"""SQA402: Query.options(joinedload(...)) of a collection, where the joined rows must be uniqued."""
# runtime: no-warning-before
# Query is legacy, not removed, in 2.0 and 1.4 emits no warning for these calls: the
# legacy run is silent and the check is that the migrated program prints the same.
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, joinedload, relationship

Base = declarative_base()


class Shelf(Base):
    __tablename__ = "shelves"
    id = Column(Integer, primary_key=True)
    label = Column(String(20), nullable=False)
    boxes = relationship("Box", back_populates="shelf", order_by="Box.id")


class Box(Base):
    __tablename__ = "boxes"
    id = Column(Integer, primary_key=True)
    content = Column(String(20), nullable=False)
    shelf_id = Column(ForeignKey("shelves.id"), nullable=False)
    shelf = relationship("Shelf", back_populates="boxes")


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([
    Shelf(id=1, label="top", boxes=[Box(id=1, content="nails"), Box(id=2, content="screws"), Box(id=3, content="glue")]),
    Shelf(id=2, label="low", boxes=[Box(id=4, content="paint")]),
    Shelf(id=3, label="empty"),
])
session.commit()

shelves = session.query(Shelf).options(joinedload(Shelf.boxes)).order_by(Shelf.id).all()
print("shelves:", len(shelves))
for shelf in shelves:
    print(shelf.label, [box.content for box in shelf.boxes])

top = session.query(Shelf).options(joinedload(Shelf.boxes)).filter_by(label="top").one()
print("top:", len(top.boxes))
owners = session.query(Box).options(joinedload(Box.shelf)).order_by(Box.id).all()
print("owners:", [(box.content, box.shelf.label) for box in owners])
session.close()
