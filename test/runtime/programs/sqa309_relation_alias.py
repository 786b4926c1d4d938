"""SQA309: relation() and eagerload(), the 1.x aliases of relationship() and joinedload()."""
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine, select
from sqlalchemy.orm import Session, declarative_base, eagerload, relation

Base = declarative_base()


class Shelf(Base):
    __tablename__ = "shelves"
    id = Column(Integer, primary_key=True)
    label = Column(String(20), nullable=False)
    boxes = relation("Box", back_populates="shelf", order_by="Box.id")


class Box(Base):
    __tablename__ = "boxes"
    id = Column(Integer, primary_key=True)
    shelf_id = Column(ForeignKey("shelves.id"), nullable=False)
    shelf = relation(Shelf, back_populates="boxes")


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as session:
    session.add_all([Shelf(id=1, label="top", boxes=[Box(id=1), Box(id=2)]), Shelf(id=2, label="bottom")])
    session.commit()
with Session(engine) as session:
    stmt = select(Shelf).options(eagerload(Shelf.boxes)).order_by(Shelf.id)
    for shelf in session.execute(stmt).unique().scalars():
        print(shelf.label, [box.id for box in shelf.boxes])
