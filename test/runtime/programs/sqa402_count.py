"""SQA402: Query.count(), plain, filtered, over a join (duplicated rows) and with distinct()."""
# runtime: no-warning-before
# Query is legacy, not removed, in 2.0 and 1.4 emits no warning for these calls: the
# legacy run is silent and the check is that the migrated program prints the same.
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    addresses = relationship("Address", back_populates="user")


class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    email = Column(String(80), nullable=False)
    user_id = Column(ForeignKey("users.id"), nullable=False)
    user = relationship("User", back_populates="addresses")


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([
    User(id=1, name="ann", addresses=[Address(email="ann@a.example"), Address(email="ann@b.example")]),
    User(id=2, name="bob", addresses=[Address(email="bob@a.example")]),
    User(id=3, name="cy"),
])
session.commit()

print("users:", session.query(User).count())
print("filtered:", session.query(User).filter(User.name != "cy").count())
print("joined:", session.query(User).join(User.addresses).count())
print("joined distinct:", session.query(User).join(User.addresses).distinct().count())
print("column distinct:", session.query(Address.user_id).distinct().count())
print("limited:", session.query(User).order_by(User.id).limit(2).count())
session.close()
