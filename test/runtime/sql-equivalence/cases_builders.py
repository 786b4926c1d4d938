"""SQL equivalence cases: Query builders that select() has under the same names (SQA402)."""
from sqlalchemy import and_, func, or_
from sqlalchemy.orm import Session, aliased

from models import Address, Order, User, new_engine

session = Session(new_engine())
BigOrder = aliased(Order)

# case: filter-order-by
result = session.query(User).filter(User.id > 1).order_by(User.name).all()

# case: filter-by
result = session.query(User).filter_by(name="bob").all()

# case: and-or
result = session.query(User).filter(or_(User.name == "ann", and_(User.id > 2, User.name.like("%e%")))).order_by(User.id).all()

# case: limit-offset
result = session.query(User).order_by(User.id.desc()).limit(2).offset(1).all()

# case: distinct
result = session.query(User.name).join(User.addresses).distinct().order_by(User.name).all()

# case: group-by-having
result = session.query(User.name, func.count(Address.id)).join(User.addresses).group_by(User.name).having(func.count(Address.id) > 1).order_by(User.name).all()

# case: columns
result = session.query(User.id, User.name.label("username")).filter(User.name != "cy").order_by(User.id).all()

# case: several-entities
result = session.query(User, Address).join(User.addresses).filter(Address.email.like("%example%")).order_by(Address.id).all()

# case: entity-and-column
result = session.query(User, func.length(User.name)).order_by(User.id).all()

# case: select-from
result = session.query(func.count(Address.id)).select_from(User).join(User.addresses).filter(User.name == "cy").all()

# case: in-subquery
result = session.query(User).filter(User.id.in_(session.query(Order.user_id).filter(Order.status == "open"))).order_by(User.id).all()

# case: aliased-entity
result = session.query(User.name, BigOrder.amount).join(BigOrder, User.orders).filter(BigOrder.amount > 20).order_by(BigOrder.id).all()

# case: iteration
result = [user.name for user in session.query(User).filter(User.id < 4).order_by(User.id)]

# case: variable
query = session.query(User)
query = query.filter(User.name != "bob")
query = query.order_by(User.name.desc())
result = query.all()
