"""SQA102: statements executed by themselves, through the engine their MetaData is bound to."""
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select

engine = create_engine("sqlite://")
metadata = MetaData(bind=engine)
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", String(50), nullable=False),
)
metadata.create_all()

notes.insert().execute(id=1, body="first")
notes.insert().execute([{"id": 2, "body": "second"}, {"id": 3, "body": "third"}])
total = select(func.count(notes.c.id)).scalar()
print("total:", total)
rows = notes.select().order_by(notes.c.id).execute().fetchall()
print("rows:", [tuple(row) for row in rows])
for row in select(notes.c.body).where(notes.c.id > 1).order_by(notes.c.id).execute():
    print("body:", row.body)
stmt = notes.delete().where(notes.c.id == 2)
stmt.execute()
print("left:", [row.id for row in notes.select().order_by(notes.c.id).execute()])
