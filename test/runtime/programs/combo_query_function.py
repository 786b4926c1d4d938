"""Combination: a Query built across statements inside a function and returned to its callers."""
# open_tasks() returns a Query that callers keep building on, so the fixer leaves
# those chains alone (they do not warn on 1.4). all_tasks() only builds and returns
# session.query(Task), so all_tasks(session).get(3) becomes session.get(Task, 3).
from sqlalchemy import Column, Integer, String, create_engine, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    title = Column(String(50), nullable=False)
    done = Column(Integer, nullable=False)
    owner = Column(String(20), nullable=False)


def all_tasks(session):
    return session.query(Task)


def open_tasks(session, owner=None):
    q = session.query(Task)
    q = q.filter(Task.done == 0)
    if owner is not None:
        q = q.filter_by(owner=owner)
    return q


def settings():
    return {"limit": 2}


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([
    Task(id=1, title="write", done=0, owner="ann"),
    Task(id=2, title="test", done=1, owner="ann"),
    Task(id=3, title="ship", done=0, owner="bob"),
    Task(id=4, title="rest", done=0, owner="ann"),
])
session.commit()

print("ann:", [task.title for task in open_tasks(session, "ann").order_by(Task.id).all()])
print("open:", open_tasks(session).count())
print("task 3:", all_tasks(session).get(3).title)
print("by id:", session.query(Task).get(2).title)
held = all_tasks(session)
print("held:", held.get(1).title, held.get(4).title)
print("limit:", settings().get("limit"))
print("titles:", session.execute(select([Task.title]).where(Task.done == 0).order_by(Task.title)).scalars().all())
session.close()
