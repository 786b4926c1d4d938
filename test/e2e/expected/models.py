"""Models and one lookup, written for SQLAlchemy 1.x."""
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import declarative_base
from sqlalchemy.orm import Session

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))


engine = create_engine("sqlite://")
session = Session(engine)


def find_user(user_id):
    return session.get(User, user_id)
