"""SQL equivalence cases: bulk UPDATE and DELETE through Query (SQA404)."""
from sqlalchemy.orm import Session

from models import Address, Order, User, new_engine

session = Session(new_engine())

# case: update-evaluate
held = session.query(User).order_by(User.id).all()
session.query(User).filter(User.id > 2).update({"name": "zed"})
result = [user.name for user in held]

# case: update-fetch
held = session.query(User).order_by(User.id).all()
session.query(User).filter(User.name.like("%n%")).update({User.name: User.name + "!"}, synchronize_session="fetch")
result = [user.name for user in held]

# case: update-rowcount
result = session.query(Order).filter_by(status="open").update({"status": "held"}, synchronize_session=False)

# case: delete-evaluate
result = session.query(Address).filter(Address.user_id == 3).delete()

# case: delete-fetch
held = session.query(Order).order_by(Order.id).all()
session.query(Order).filter(Order.amount < 20).delete(synchronize_session="fetch")
result = [order in session for order in held]
