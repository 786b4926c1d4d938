"""SQA202: select() built with a WHERE clause and keyword arguments."""
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine, func, select

engine = create_engine("sqlite://")
metadata = MetaData()
authors = Table(
    "authors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20), nullable=False),
)
books = Table(
    "books",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("author_id", ForeignKey("authors.id"), nullable=False),
    Column("title", String(40), nullable=False),
)
metadata.create_all(engine)

with engine.begin() as conn:
    conn.execute(authors.insert(), [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bo"}, {"id": 3, "name": "Cy"}])
    conn.execute(
        books.insert(),
        [
            {"id": 1, "author_id": 1, "title": "A"},
            {"id": 2, "author_id": 1, "title": "B"},
            {"id": 3, "author_id": 2, "title": "C"},
            {"id": 4, "author_id": 1, "title": "D"},
        ],
    )

with engine.connect() as conn:
    stmt = select([authors.c.name], authors.c.id > 1, order_by=[authors.c.name])
    print("names:", conn.execute(stmt).scalars().all())
    per_author = select(
        [authors.c.name, func.count(books.c.id)],
        from_obj=[authors.join(books, authors.c.id == books.c.author_id)],
        group_by=[authors.c.name],
        having=func.count(books.c.id) > 1,
        order_by=authors.c.name,
    )
    print("prolific:", [tuple(row) for row in conn.execute(per_author)])
    paged = select([books.c.title], order_by=books.c.id.desc(), limit=2, offset=1)
    print("paged:", conn.execute(paged).scalars().all())
    distinct = select([books.c.author_id], distinct=True, order_by=books.c.author_id)
    print("distinct:", conn.execute(distinct).scalars().all())
    labelled = select([authors.c.id, books.c.id], authors.c.id == books.c.author_id, use_labels=True, order_by=books.c.id)
    print("labels:", list(conn.execute(labelled).keys()))
