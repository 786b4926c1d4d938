"""SQA301: declarative_base and declared_attr imported from sqlalchemy.ext.declarative."""
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine, select
from sqlalchemy.ext.declarative import declarative_base, declared_attr
from sqlalchemy.orm import Session, relationship

Base = declarative_base()


class TableNameFromClass:
    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower()


class Author(TableNameFromClass, Base):
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    books = relationship("Book", back_populates="author", order_by="Book.id")


class Book(TableNameFromClass, Base):
    id = Column(Integer, primary_key=True)
    title = Column(String(80), nullable=False)
    author_id = Column(ForeignKey("author.id"), nullable=False)
    author = relationship("Author", back_populates="books")


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
print("tables:", sorted(Base.metadata.tables))

session = Session(engine)
session.add(Author(id=1, name="Le Guin", books=[Book(id=1, title="Lathe"), Book(id=2, title="Dispossessed")]))
session.commit()
for author in session.execute(select(Author).order_by(Author.id)).scalars():
    print(author.name, [book.title for book in author.books])
session.close()
