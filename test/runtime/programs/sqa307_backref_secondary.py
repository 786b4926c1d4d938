"""SQA307: a many-to-many backref through a secondary table, replaced by back_populates."""
# runtime: no-warning-before
# runtime: sql-differs
# backref is legacy, not removed: 1.4 is silent. With the backref, the unit of work writes the
# association rows from the other side of the pair, so the one executemany of post_tags lists
# the same rows in another order; the rows, and everything the program reads, are the same.
from sqlalchemy import Column, ForeignKey, Integer, String, Table, create_engine, select
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    tags = relationship("Tag", secondary=post_tags, backref="posts", order_by="Tag.id")


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    word = Column(String(20), nullable=False)


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as session:
    python, sql = Tag(id=1, word="python"), Tag(id=2, word="sql")
    session.add_all([Post(id=1, tags=[python, sql]), Post(id=2, tags=[sql])])
    session.commit()
    print("tags of 1:", [tag.word for tag in session.get(Post, 1).tags])
    print("posts with sql:", sorted(p.id for p in session.get(Tag, 2).posts))
    rows = session.execute(select(post_tags.c.post_id, post_tags.c.tag_id).order_by(post_tags.c.post_id, post_tags.c.tag_id)).all()
    print("association rows:", [tuple(row) for row in rows])
