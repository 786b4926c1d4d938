"""SQA104: create_all(), reflect() and drop_all() with no engine, on bound MetaData and a bound declarative base."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect
from sqlalchemy.orm import declarative_base

engine = create_engine("sqlite://")
metadata = MetaData(bind=engine)
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("label", String(30), nullable=False),
)
bins = Table("bins", metadata, Column("id", Integer, primary_key=True))

Base = declarative_base(bind=engine)


class Part(Base):
    __tablename__ = "parts"
    id = Column(Integer, primary_key=True)
    item_id = Column(Integer)


def tables():
    return sorted(inspect(engine).get_table_names())


metadata.create_all()
Base.metadata.create_all()
print("created:", tables())

# A second bound MetaData reflects the schema, all of it or some tables.
found = MetaData(bind=engine)
found.reflect(only=["items", "parts"])
print("reflected some:", sorted(found.tables))
found.reflect()
print("reflected all:", sorted(found.tables), [column.name for column in found.tables["items"].columns])

metadata.drop_all(tables=[bins], checkfirst=False)
print("dropped bins:", tables())


def reset_schema():
    Base.metadata.drop_all()
    metadata.drop_all()
    metadata.create_all(checkfirst=True)


reset_schema()
print("after reset:", tables())
Base.metadata.drop_all()
metadata.drop_all()
print("dropped:", tables())
