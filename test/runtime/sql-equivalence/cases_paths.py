"""SQL equivalence cases: string relationship paths and chained joins (SQA405, SQA406), read through select()."""
# The fixes of string paths look the names up on classes of the same module: the models are
# repeated here, the rows come from models.py.
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import Session, declarative_base, joinedload, load_only, relationship, selectinload

from models import new_engine

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(30), nullable=False)
    addresses = relationship("Address", back_populates="user", order_by="Address.id")
    orders = relationship("Order", back_populates="user", order_by="Order.id")

    def __repr__(self):
        return f"User({self.id}, {self.name!r})"


class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    email = Column(String(50), nullable=False)
    user_id = Column(ForeignKey("users.id"), nullable=False)
    user = relationship("User", back_populates="addresses")

    def __repr__(self):
        return f"Address({self.id}, {self.email!r})"


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    amount = Column(Integer, nullable=False)
    status = Column(String(10), nullable=False)
    user_id = Column(ForeignKey("users.id"), nullable=False)
    user = relationship("User", back_populates="orders")

    def __repr__(self):
        return f"Order({self.id}, {self.amount}, {self.status!r})"


session = Session(new_engine(Base, User, Address, Order))

# case: join-string-path
result = session.query(User).join("addresses").filter(Address.email.like("%.org")).order_by(User.id).all()

# case: outerjoin-string-path
result = session.query(User).outerjoin("orders").filter(Order.id.is_(None)).all()

# case: joinedload-string-path
result = [(user, user.addresses) for user in session.query(User).options(joinedload("addresses")).order_by(User.id).all()]

# case: selectinload-string-path
result = [(order, order.user) for order in session.query(Order).options(selectinload("user")).order_by(Order.id).all()]

# case: load-only-string
result = [(user.id, "name" in user.__dict__) for user in session.query(User).options(load_only("name")).order_by(User.id).all()]

# case: chained-join
result = session.query(Order).join(Order.user, User.addresses).filter(Address.email.like("%example%")).order_by(Order.id).all()

# case: chained-join-strings
result = session.query(Order).join("user", "addresses").filter(Address.email.like("%.net")).order_by(Order.id).all()

# case: join-tuple
result = session.query(User).join((Address, User.addresses)).filter(Address.id > 2).order_by(User.id).all()
