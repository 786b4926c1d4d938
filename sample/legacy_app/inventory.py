"""Inventory queries, in the 1.x Query style."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from db import Item, Warehouse, audit_log, engine


def record(session, event):
    engine.execute(audit_log.insert(), event=event)


def low_stock(session, threshold):
    return session.query(Item).filter(Item.quantity < threshold).order_by(Item.name).all()


def stock_report(session):
    rows = []
    query = session.query(Warehouse).options(joinedload(Warehouse.items))
    query = query.order_by(Warehouse.city)
    for warehouse in query.all():
        rows.append((warehouse.city, sum(item.quantity for item in warehouse.items)))
    return rows


def item_count(session):
    return session.query(Item).count()


def find_item(session, item_id):
    return session.query(Item).get(item_id)


def audit_events():
    rows = engine.execute(select([audit_log.c.event]).order_by(audit_log.c.id)).fetchall()
    return [row.event for row in rows]


def total_quantity(conn):
    return conn.execute("SELECT sum(quantity) FROM items").scalar()


def busiest_city(session):
    return (
        session.query(Warehouse.city, func.count(Item.id))
        .join(Item)
        .group_by(Warehouse.city)
        .order_by(func.count(Item.id).desc())
        .first()
    )
