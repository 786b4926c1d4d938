"""SQA406: several join paths and (target, onclause) tuples in one Query.join() call."""
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)
    orders = relationship("Order", back_populates="customer")


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False)
    customer = relationship("Customer", back_populates="orders")
    lines = relationship("Line")


class Line(Base):
    __tablename__ = "lines"
    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False)
    sku = Column(String(10), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([
    Customer(id=1, name="ann", orders=[Order(id=1, lines=[Line(sku="a"), Line(sku="b")]), Order(id=2)]),
    Customer(id=2, name="bob", orders=[Order(id=3, lines=[Line(sku="c")])]),
    Customer(id=3, name="cy"),
])
session.commit()

by_attributes = session.query(Customer).join(Customer.orders, Order.lines).filter(Line.sku == "b").all()
print("attributes:", [c.name for c in by_attributes])
by_strings = session.query(Customer).join("orders", "lines").filter(Line.sku == "c").all()
print("strings:", [c.name for c in by_strings])
outer = session.query(Customer).join(Customer.orders, "lines", isouter=True).filter(Line.id == None).order_by(Customer.id).all()
print("outer:", [c.name for c in outer])
by_tuple = session.query(Customer).join((Order, Customer.orders)).filter(Order.id == 2).all()
print("tuple:", [c.name for c in by_tuple])
session.close()
