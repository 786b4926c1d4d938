"""SQA402: Query builder methods: filter, filter_by, order_by, limit, offset, join, distinct."""
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
    city = Column(String(30), nullable=False)
    orders = relationship("Order", back_populates="user")


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    total = Column(Integer, nullable=False)
    user_id = Column(ForeignKey("users.id"), nullable=False)
    user = relationship("User", back_populates="orders")


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([
    User(id=1, name="ann", city="Oslo", orders=[Order(id=1, total=10), Order(id=2, total=40)]),
    User(id=2, name="bob", city="Rome", orders=[Order(id=3, total=25)]),
    User(id=3, name="cy", city="Oslo"),
    User(id=4, name="di", city="Lima", orders=[Order(id=4, total=5)]),
])
session.commit()

print("filter:", [u.name for u in session.query(User).filter(User.city == "Oslo", User.id > 1).all()])
print("filter_by:", [u.id for u in session.query(User).filter_by(city="Oslo").order_by(User.id.desc()).all()])
print("page:", [u.name for u in session.query(User).order_by(User.name).limit(2).offset(1).all()])
print("join:", [u.name for u in session.query(User).join(User.orders).filter(Order.total > 20).order_by(User.id).all()])
print("join distinct:", [u.name for u in session.query(User).join(User.orders).distinct().order_by(User.name).all()])
print("cities:", session.query(User.city).distinct().order_by(User.city).all())
print("join columns:", session.query(User.name, Order.total).join(Order, User.orders).order_by(Order.total).all())
print("first joined:", session.query(User).join(User.orders).order_by(Order.total.desc()).first().name)
session.close()
