"""SQA402: a Query built in a variable across several statements, then run."""
# runtime: no-warning-before
# Query is legacy, not removed, in 2.0 and 1.4 emits no warning for these calls: the
# legacy run is silent and the check is that the migrated program prints the same.
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Task(Base):
    __tablename__ = "tasks"
    id = Column(Integer, primary_key=True)
    title = Column(String(50), nullable=False)
    done = Column(Integer, nullable=False)
    owner = Column(String(20), nullable=False)


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

q = session.query(Task)
q = q.filter(Task.done == 0)
q = q.filter_by(owner="ann")
q = q.order_by(Task.id.desc())
print("open for ann:", [task.title for task in q.all()])

titles = session.query(Task.title)
titles = titles.order_by(Task.title)
print("titles:", titles.all())
session.close()
