"""SQA307: backref replaced by back_populates on both classes."""
# runtime: no-warning-before
# backref is legacy, not removed: 1.4 is silent; the migrated program must behave the same.
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine, select
from sqlalchemy.orm import Session, backref, declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(20), nullable=False)
    posts = relationship("Post", backref="author", order_by="Post.id")
    profile = relationship("Profile", uselist=False, backref=backref("owner", lazy="joined"))


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    author_id = Column(ForeignKey("users.id"))


class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"), unique=True)
    motto = Column(String(40))


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as session:
    user = User(id=1, name="ann", profile=Profile(id=1, motto="ship it"))
    user.posts = [Post(id=1), Post(id=2)]
    session.add(user)
    session.commit()
    # Each side was set from the other: the reverse attributes must exist and agree.
    post = session.get(Post, 2)
    print("author:", post.author.name, "posts:", [p.id for p in post.author.posts])
    print("profile owner:", session.execute(select(Profile)).scalar_one().owner.name)
    detached = User(id=2, name="bob")
    draft = Post(id=3)
    draft.author = detached
    print("set from the post side:", [p.id for p in detached.posts], draft in detached.posts)
