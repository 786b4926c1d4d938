"""Runs the inventory service once and prints a report."""
from db import Item, SessionFactory, Warehouse, create_schema, engine
from inventory import audit_events, busiest_city, find_item, item_count, low_stock, record, stock_report, total_quantity


def main():
    create_schema()
    session = SessionFactory()
    oslo = Warehouse(city="Oslo", items=[Item(name="bolt", quantity=3), Item(name="nut", quantity=40)])
    rome = Warehouse(city="Rome", items=[Item(name="gear", quantity=7)])
    session.add_all([oslo, rome])
    session.commit()
    record(session, "stocked")

    print("low stock:", [item.name for item in low_stock(session, 10)])
    print("report:", stock_report(session))
    print("items:", item_count(session))
    print("item 2:", find_item(session, 2).name)
    print("busiest:", tuple(busiest_city(session)))
    with engine.connect() as conn:
        print("total:", total_quantity(conn))
    print("audit:", audit_events())
    session.close()


if __name__ == "__main__":
    main()
