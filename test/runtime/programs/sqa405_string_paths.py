"""SQA405: relationships and columns named by strings in joins and loader options."""
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.orm import Load, Session, declarative_base, defer, joinedload, load_only, relationship, selectinload, subqueryload

Base = declarative_base()


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)
    note = Column(String(40))
    orders = relationship("Order", back_populates="customer", order_by="Order.id")


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id"), nullable=False)
    total = Column(Integer, nullable=False)
    customer = relationship("Customer", back_populates="orders")
    lines = relationship("Line", order_by="Line.id")


class Line(Base):
    __tablename__ = "lines"
    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False)
    sku = Column(String(10), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([
    Customer(id=1, name="ann", note="vip", orders=[Order(id=1, total=5, lines=[Line(sku="a"), Line(sku="b")]), Order(id=2, total=7)]),
    Customer(id=2, name="bob", orders=[Order(id=3, total=9, lines=[Line(sku="c")])]),
    Customer(id=3, name="cy"),
])
session.commit()

buyers = session.query(Customer).join("orders").filter(Order.total > 6).order_by(Customer.id).all()
print("joined:", [c.name for c in buyers])
everyone = session.query(Customer).outerjoin("orders").filter(Order.id == None).all()
print("no orders:", [c.name for c in everyone])
session.expunge_all()

eager = session.query(Customer).options(joinedload("orders")).order_by(Customer.id).all()
print("eager:", [(c.name, len(c.orders)) for c in eager])
session.expunge_all()
# One line: the nested subquery load (and its warning) runs when the collections are first read.
nested = [[len(o.lines) for o in c.orders] for c in session.query(Customer).options(subqueryload("orders.lines")).order_by(Customer.id)]
print("nested:", nested)
session.expunge_all()
stepped = session.query(Customer).options(selectinload(Customer.orders).selectinload("lines")).order_by(Customer.id).all()
print("stepped:", [[[line.sku for line in o.lines] for o in c.orders] for c in stepped])
session.expunge_all()

slim = session.query(Customer).options(load_only("name")).order_by(Customer.id).all()
print("slim:", [c.name for c in slim])
session.expunge_all()
lazy_note = session.query(Customer).options(defer("note"), Load(Customer).joinedload("orders")).filter_by(name="ann").one()
print("deferred:", lazy_note.note, len(lazy_note.orders))
session.close()
