"""SQA504: Session.close_all() on the class, a sessionmaker and a session."""
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

Base = declarative_base()


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
SessionLocal = sessionmaker(bind=engine)

first = SessionLocal()
first.add(Item(id=1, name="kept"))
first.commit()
item = first.get(Item, 1)
print("in session before:", item in first)
Session.close_all()
print("in session after:", item in first)

second = SessionLocal()
second.get(Item, 1)
SessionLocal.close_all()
print("second emptied:", len(second.identity_map))

third = Session(engine)
third.get(Item, 1)
third.close_all()
print("third emptied:", len(third.identity_map))
