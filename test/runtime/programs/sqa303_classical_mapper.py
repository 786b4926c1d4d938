"""SQA303: classical mappings through mapper(), with a relationship between the mapped classes."""
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, create_engine, select
from sqlalchemy.orm import Session, mapper, relationship

metadata = MetaData()

authors = Table(
    "authors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
)
books = Table(
    "books",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(80), nullable=False),
    Column("author_id", ForeignKey("authors.id"), nullable=False),
)


class Author:
    def __init__(self, name):
        self.name = name


class Book:
    def __init__(self, title):
        self.title = title


# Mapped when the program starts, as an application's start_mappers() would.
def start_mappers():
    mapper(Author, authors, properties={"books": relationship(Book, back_populates="author", order_by=books.c.id)})
    mapper(Book, books, properties={"author": relationship(Author, back_populates="books")})


start_mappers()
engine = create_engine("sqlite://")
metadata.create_all(engine)
with Session(engine) as session:
    author = Author("Jansson")
    author.books = [Book("Comet in Moominland"), Book("Moominsummer Madness")]
    session.add(author)
    session.commit()
    for found in session.execute(select(Author).order_by(Author.id)).scalars():
        print(found.name, [book.title for book in found.books])
    print("book's author:", session.execute(select(Book).where(Book.id == 2)).scalar_one().author.name)
