"""SQA403: first() over a joined eager load of a collection."""
# runtime: no-warning-before
# Query is legacy and 1.4 emits no warning for it. Both forms wrap the LIMIT 1 query in a
# subquery so that the collection is loaded whole; Query labels that subquery's columns
# (anon_1.authors_id) where select() does not (anon_1.id), which the SQL comparison reads as one.
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, joinedload, relationship

Base = declarative_base()


class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)
    books = relationship("Book", order_by="Book.id")


class Book(Base):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)
    title = Column(String(40), nullable=False)
    author_id = Column(ForeignKey("authors.id"), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([
    Author(id=1, name="ann", books=[Book(id=1, title="first"), Book(id=2, title="second")]),
    Author(id=2, name="bob", books=[Book(id=3, title="third")]),
])
session.commit()

first = session.query(Author).options(joinedload(Author.books)).order_by(Author.id).first()
print("first:", first.name, [b.title for b in first.books])
session.expunge_all()
q = session.query(Author).options(joinedload(Author.books)).filter(Author.name == "bob")
print("filtered:", [b.title for b in q.first().books])
session.close()
