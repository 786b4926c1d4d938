"""Report queries, written for SQLAlchemy 1.x."""
from sqlalchemy import select
from sqlalchemy.orm import declarative_base
from sqlalchemy.orm import Session

from app.models import User, engine

Base = declarative_base()


def names():
    with engine.connect() as conn:
        return conn.execute(select(User.name)).fetchall()


def first_user():
    session = Session(engine)
    return session.get(User, 1)
