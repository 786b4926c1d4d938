"""SQA603: async engines made without pool_pre_ping, on aiosqlite; their connections run the same work with it.

The string loader path is the one 2.0 warning here: it is raised inside the greenlet that
runs the ORM under asyncio, so it also checks that such warnings are traced to the await.
"""
import asyncio

from sqlalchemy import Column, ForeignKey, Integer, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import declarative_base, relationship, selectinload

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    addresses = relationship("Address", order_by="Address.id")


class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"), nullable=False)
    email = Column(String(50), nullable=False)


async def fill(engine):
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        session.add_all([User(id=1, name="ann"), User(id=2, name="bob")])
        session.add_all([Address(id=1, user_id=1, email="ann@a"), Address(id=2, user_id=1, email="ann@b")])
        await session.commit()


async def main():
    engine = create_async_engine("sqlite+aiosqlite://")
    reports = create_async_engine(
        "sqlite+aiosqlite://",
        echo=False
    )
    await fill(engine)
    await fill(reports)

    async with AsyncSession(engine) as session:
        users = (await session.execute(select(User).options(selectinload("addresses")).order_by(User.id))).scalars().all()
        print("loaded:", [(user.name, [address.email for address in user.addresses]) for user in users])
        await session.delete(users[1])
        await session.commit()

    # Many checkouts in a row: each one is pinged first once pool_pre_ping is on.
    for attempt in range(3):
        async with engine.connect() as conn:
            print("users left:", attempt, await conn.scalar(select(func.count(User.id))))
    async with reports.connect() as conn:
        print("reports:", (await conn.execute(select(User.name).order_by(User.id))).scalars().all())

    await engine.dispose()
    await reports.dispose()


asyncio.run(main())
