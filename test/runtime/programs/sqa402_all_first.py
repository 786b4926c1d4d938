"""SQA402: Query.all() and Query.first() on entities and columns, including a first() that finds nothing."""
# runtime: no-warning-before
# Query is legacy, not removed, in 2.0 and 1.4 emits no warning for these calls: the
# legacy run is silent and the check is that the migrated program prints the same.
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    age = Column(Integer, nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([User(id=1, name="ann", age=31), User(id=2, name="bob", age=25), User(id=3, name="cy", age=25)])
session.commit()

users = session.query(User).order_by(User.id).all()
print("all:", [user.name for user in users])
youngest = session.query(User).order_by(User.age, User.name.desc()).first()
print("first:", youngest.name)
print("first of none:", session.query(User).filter(User.age > 90).first())
print("columns:", session.query(User.name, User.age).order_by(User.name).all())
print("one column first:", session.query(User.name).order_by(User.age.desc()).first())
session.close()
