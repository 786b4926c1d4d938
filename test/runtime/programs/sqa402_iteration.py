"""SQA402: iterating a Query directly in for loops and comprehensions."""
# runtime: no-warning-before
# Query is legacy, not removed, in 2.0 and 1.4 emits no warning for these calls: the
# legacy run is silent and the check is that the migrated program prints the same.
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Product(Base):
    __tablename__ = "products"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    price = Column(Integer, nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([Product(id=1, name="tea", price=4), Product(id=2, name="cake", price=6), Product(id=3, name="jam", price=3)])
session.commit()

for product in session.query(Product).order_by(Product.price):
    print("product:", product.name, product.price)

for name, price in session.query(Product.name, Product.price).filter(Product.price > 3).order_by(Product.name):
    print("pair:", name, price)

cheap = [product.name for product in session.query(Product).filter(Product.price < 5).order_by(Product.id)]
print("cheap:", cheap)
session.close()
