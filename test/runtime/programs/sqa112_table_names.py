"""SQA112: Engine.table_names() and Engine.has_table()."""
from sqlalchemy import Column, Integer, MetaData, Table, create_engine

engine = create_engine("sqlite://")
metadata = MetaData()
Table("apples", metadata, Column("id", Integer, primary_key=True))
Table("pears", metadata, Column("id", Integer, primary_key=True))
metadata.create_all(engine)

print("tables:", engine.table_names())
print("has apples:", engine.has_table("apples"))
print("has plums:", engine.has_table("plums"))
