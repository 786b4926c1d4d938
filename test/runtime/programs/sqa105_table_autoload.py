"""SQA105: Table(..., autoload=True), reflecting through bound MetaData or next to autoload_with=."""
from sqlalchemy import Column, MetaData, String, Table, create_engine, select

engine = create_engine("sqlite://")
with engine.begin() as conn:
    conn.exec_driver_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL, age INTEGER)")
    conn.exec_driver_sql("CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), total INTEGER)")
    conn.exec_driver_sql("INSERT INTO users VALUES (1, 'ann', 31), (2, 'bob', 25)")
    conn.exec_driver_sql("INSERT INTO orders VALUES (1, 1, 40), (2, 1, 15), (3, 2, 7)")

# autoload_with= is there already: autoload=True only repeats it.
plain = MetaData()
orders = Table("orders", plain, autoload=True, autoload_with=engine)
print("orders columns:", [column.name for column in orders.columns])
print("orders foreign keys:", sorted(fk.target_fullname for fk in orders.foreign_keys))
print("users reflected along:", sorted(plain.tables))

# Reflection through MetaData bound to the engine.
bound = MetaData(bind=engine)
users = Table("users", bound, autoload=True)
print("users columns:", [(column.name, str(column.type), column.nullable) for column in users.columns])

# Reflected columns overridden and kept in order.
overridden = Table(
    "users",
    MetaData(),
    Column("name", String(30), key="username"),
    autoload=True,
    autoload_with=engine,
)
print("overridden keys:", list(overridden.c.keys()))

query = select(users.c.name, orders.c.total).join_from(users, orders, users.c.id == orders.c.user_id).order_by(orders.c.id)
with engine.connect() as conn:
    print("joined:", [tuple(row) for row in conn.execute(query)])
    print("by key:", conn.execute(select(overridden.c.username).order_by(overridden.c.id)).scalars().all())
