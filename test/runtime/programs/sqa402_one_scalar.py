"""SQA402: Query.one(), one_or_none() and scalar(), with a hit, a miss and the errors they raise."""
# runtime: no-warning-before
# Query is legacy, not removed, in 2.0 and 1.4 emits no warning for these calls: the
# legacy run is silent and the check is that the migrated program prints the same.
from sqlalchemy import Column, Integer, String, create_engine, func
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    team = Column(String(20), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([User(id=1, name="ann", team="red"), User(id=2, name="bob", team="blue"), User(id=3, name="cy", team="blue")])
session.commit()

print("one:", session.query(User).filter_by(team="red").one().name)
print("one_or_none hit:", session.query(User).filter_by(name="bob").one_or_none().id)
print("one_or_none miss:", session.query(User).filter_by(name="zed").one_or_none())
print("scalar column:", session.query(User.name).filter(User.id == 3).scalar())
print("scalar entity:", session.query(User).filter(User.id == 1).scalar().name)
print("scalar miss:", session.query(User.name).filter(User.id == 42).scalar())
print("scalar aggregate:", session.query(func.max(User.id)).scalar())

try:
    session.query(User).filter_by(team="green").one()
except NoResultFound:
    print("one: no result")
try:
    session.query(User).filter_by(team="blue").one_or_none()
except MultipleResultsFound:
    print("one_or_none: multiple")
try:
    session.query(User.name).filter_by(team="blue").scalar()
except MultipleResultsFound:
    print("scalar: multiple")
session.close()
