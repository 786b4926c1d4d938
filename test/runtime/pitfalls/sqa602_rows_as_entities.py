"""SQA602: rows of a one-entity select() read as entities.

Each case reads an entity attribute from what Session.execute() returned. On
SQLAlchemy 1.4 (and 2.0) that raises AttributeError, since the rows are Row
tuples; after the fix (Session.scalars()) each case prints the names.
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


def listed(session):
    users = session.execute(select(User).order_by(User.id)).all()
    return [user.name for user in users]


def first(session):
    user = session.execute(select(User).order_by(User.id)).first()
    return user.name


def iterated(session):
    names = []
    for user in session.execute(select(User).order_by(User.id)):
        names.append(user.name)
    return names


def through_variables(session, wanted):
    stmt = select(User)
    if wanted:
        stmt = stmt.where(User.name == wanted)
    result = session.execute(stmt)
    return [user.name for user in result.all()]


def one(session):
    return session.execute(select(User).filter_by(id=2)).one().name


with Session(engine) as session:
    session.add_all([User(id=1, name="ann"), User(id=2, name="bob")])
    session.commit()
    for case in (listed, first, iterated, lambda s: through_variables(s, "bob"), one):
        try:
            print("ok:", case(session))
        except AttributeError as error:
            print("AttributeError:", error)
