"""Models and data shared by the SQL equivalence cases: users with addresses and orders."""
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, relationship

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


def new_engine(base=Base, User=User, Address=Address, Order=Order):
    """An in-memory database holding the same rows every time, for these models or a copy of them."""
    engine = create_engine("sqlite://")
    base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([User(id=1, name="ann"), User(id=2, name="bob"), User(id=3, name="cy"), User(id=4, name="dee")])
        session.add_all([
            Address(id=1, email="ann@example.com", user_id=1),
            Address(id=2, email="ann@work.org", user_id=1),
            Address(id=3, email="bob@example.com", user_id=2),
            Address(id=4, email="cy@example.com", user_id=3),
            Address(id=5, email="cy@home.net", user_id=3),
            Address(id=6, email="cy@work.org", user_id=3),
        ])
        session.add_all([
            Order(id=1, amount=10, status="open", user_id=1),
            Order(id=2, amount=25, status="paid", user_id=1),
            Order(id=3, amount=40, status="open", user_id=2),
            Order(id=4, amount=5, status="paid", user_id=4),
            Order(id=5, amount=60, status="open", user_id=4),
        ])
        session.commit()
    return engine
