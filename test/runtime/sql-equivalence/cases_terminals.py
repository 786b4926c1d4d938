"""SQL equivalence cases: how each Query terminal reads the rows (SQA402)."""
from sqlalchemy import func
from sqlalchemy.orm import Session

from models import Address, Order, User, new_engine

session = Session(new_engine())

# case: all
result = session.query(User).all()

# case: first
# intended: first() gains LIMIT 1 in the statement; Query.first() added the same limit when it ran
result = session.query(User).order_by(User.id.desc()).first()

# case: first-of-columns
# intended: first() gains LIMIT 1 in the statement; Query.first() added the same limit when it ran
result = session.query(User.id, User.name).filter(User.id > 1).order_by(User.name).first()

# case: one
result = session.query(User).filter(User.id == 2).one()

# case: one-or-none
result = session.query(User).filter(User.name == "nobody").one_or_none()

# case: scalar
result = session.query(User.name).filter(User.id == 3).scalar()

# case: scalar-entity
result = session.query(User).filter(User.name == "dee").scalar()

# count() is compared with select(func.count()).select_from(query.subquery()); the SQL Query.count()
# sent, the same up to column labels, is compared as executed.
# case: count
result = session.query(User).filter(User.id > 1).count()

# case: count-of-join
result = session.query(User).join(User.addresses).count()

# case: count-distinct-column
result = session.query(Address.user_id).distinct().count()

# case: count-of-column
result = session.query(func.count(User.id)).filter(User.name != "bob").scalar()

# case: one-of-join
result = session.query(User).join(User.addresses).filter(User.name == "cy").one()

# case: variable-several-terminals
open_orders = session.query(Order).filter(Order.status == "open").order_by(Order.amount)
result = (open_orders.count(), open_orders.first(), open_orders.all())

# case: iteration-over-variable
names = session.query(User.name).filter(User.id != 2).order_by(User.name)
result = [row.name for row in names]

# case: one-without-row
try:
    result = session.query(User).filter(User.id > 10).one()
except Exception as error:
    result = type(error).__name__

# case: scalar-of-several-rows
try:
    result = session.query(User.name).filter(User.id > 1).scalar()
except Exception as error:
    result = type(error).__name__
