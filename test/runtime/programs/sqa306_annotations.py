"""SQA306: mypy-plugin style annotations on mapped attributes, wrapped in Mapped[...]."""
# runtime: no-warning-before
# 1.4 ignores these annotations and warns for nothing; 2.0 raises for the relationship ones.
# The check is that the Mapped[...] annotations run on 1.4 and the program prints the same.
from typing import List, Optional

from sqlalchemy import Column, ForeignKey, Integer, String, create_engine, select
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class Shelf(Base):
    __tablename__ = "shelves"
    id: int = Column(Integer, primary_key=True)
    label: Optional[str] = Column(String(20))
    boxes: List["Box"] = relationship("Box", back_populates="shelf", order_by="Box.id")


class Box(Base):
    __tablename__ = "boxes"
    id: int = Column(Integer, primary_key=True)
    shelf_id = Column(ForeignKey("shelves.id"))
    shelf: "Shelf" = relationship(Shelf, back_populates="boxes")


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
print("annotated:", sorted(Shelf.__annotations__))
with Session(engine) as session:
    session.add(Shelf(id=1, label="top", boxes=[Box(id=1), Box(id=2)]))
    session.commit()
    shelf = session.execute(select(Shelf)).scalar_one()
    print(shelf.label, [box.id for box in shelf.boxes], session.get(Box, 2).shelf.label)
