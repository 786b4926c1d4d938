"""SQA602 under asyncio: rows of an awaited AsyncSession.execute() read as entities.

Each case reads an entity attribute from what the awaited execute() returned, which
raises AttributeError on SQLAlchemy 1.4 (and 2.0); after the fix
(AsyncSession.scalars()) each case prints the names.
"""
import asyncio

from sqlalchemy import Column, Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)


async def listed(session):
    users = (await session.execute(select(User).order_by(User.id))).all()
    return [user.name for user in users]


async def first(session):
    user = (await session.execute(select(User).order_by(User.id))).first()
    return user.name


async def iterated(session):
    result = await session.execute(select(User).where(User.id > 1).order_by(User.id))
    return [user.name for user in result]


async def one_or_none(session):
    return (await session.execute(select(User).filter_by(name="ann"))).one_or_none().id


async def main():
    engine = create_async_engine("sqlite+aiosqlite://", pool_pre_ping=True)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        session.add_all([User(id=1, name="ann"), User(id=2, name="bob"), User(id=3, name="cy")])
        await session.commit()
        for case in (listed, first, iterated, one_or_none):
            try:
                print("ok:", await case(session))
            except AttributeError as error:
                print("AttributeError:", error)
    await engine.dispose()


asyncio.run(main())
