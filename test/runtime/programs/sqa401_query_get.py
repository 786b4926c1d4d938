"""SQA401: Query.get() by primary key, for a present and a missing row."""
from sqlalchemy import Column, Integer, String, create_engine
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

user = session.query(User).get(1)
print("found:", user.name)
print("missing:", session.query(User).get(99))
again = session.query(User).get(1)
print("same identity:", again is user)
session.close()
