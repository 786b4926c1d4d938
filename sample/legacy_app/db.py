"""Database setup of a small inventory service, written against SQLAlchemy 1.3."""
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import relationship, sessionmaker

engine = create_engine("sqlite://")
metadata = MetaData(bind=engine)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event", String(80), nullable=False),
)

Base = declarative_base()
SessionFactory = sessionmaker(bind=engine)


class Warehouse(Base):
    __tablename__ = "warehouses"
    id = Column(Integer, primary_key=True)
    city = Column(String(40), nullable=False)
    items = relationship("Item", back_populates="warehouse")


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String(40), nullable=False)
    quantity = Column(Integer, nullable=False)
    warehouse_id = Column(ForeignKey("warehouses.id"), nullable=False)
    warehouse = relationship("Warehouse", back_populates="items")


def create_schema():
    metadata.create_all()
    Base.metadata.create_all(engine)
