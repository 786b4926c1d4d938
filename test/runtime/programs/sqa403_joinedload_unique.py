"""SQA403: joined eager loads of collections, inline, through contains_eager() and through a variable."""
# runtime: no-warning-before
# Query is legacy, not removed, in 2.0 and 1.4 emits no warning for joined eager loads: the
# check is that the migrated program, which must call unique(), prints the same.
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine
from sqlalchemy.orm import Session, contains_eager, declarative_base, defaultload, joinedload, relationship

Base = declarative_base()


class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)
    books = relationship("Book", back_populates="author", order_by="Book.id")


class Book(Base):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)
    title = Column(String(40), nullable=False)
    author_id = Column(ForeignKey("authors.id"), nullable=False)
    author = relationship("Author", back_populates="books")
    chapters = relationship("Chapter", order_by="Chapter.id")


class Chapter(Base):
    __tablename__ = "chapters"
    id = Column(Integer, primary_key=True)
    book_id = Column(ForeignKey("books.id"), nullable=False)
    heading = Column(String(40), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
session = Session(engine)
session.add_all([
    Author(id=1, name="ann", books=[
        Book(id=1, title="first", chapters=[Chapter(heading="a"), Chapter(heading="b")]),
        Book(id=2, title="second", chapters=[Chapter(heading="c")]),
    ]),
    Author(id=2, name="bob", books=[Book(id=3, title="third")]),
    Author(id=3, name="cy"),
])
session.commit()

authors = session.query(Author).options(joinedload(Author.books)).order_by(Author.id).all()
print("authors:", [(a.name, [b.title for b in a.books]) for a in authors])
session.expunge_all()

with_books = (
    session.query(Author)
    .join(Author.books)
    .options(contains_eager(Author.books))
    .filter(Book.title != "third")
    .order_by(Author.id, Book.id)
    .all()
)
print("contains_eager:", [(a.name, len(a.books)) for a in with_books])
session.expunge_all()

deep = session.query(Author).options(defaultload(Author.books).joinedload(Book.chapters)).order_by(Author.id).all()
print("chapters:", [[len(b.chapters) for b in a.books] for a in deep])
session.expunge_all()

q = session.query(Author).options(joinedload(Author.books))
q = q.filter(Author.name != "cy").order_by(Author.id)
print("count of objects:", len(q.all()))
for author in q:
    print("iterated:", author.name, len(author.books))
session.close()
