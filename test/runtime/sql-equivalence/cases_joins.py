"""SQL equivalence cases: joins and loader options, where Query dropped repeated entities (SQA402, SQA403)."""
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from models import Address, Order, User, new_engine

session = Session(new_engine())

# case: join-relationship
result = session.query(User).join(User.addresses).filter(Address.email.like("%.org")).order_by(User.id).all()

# case: join-onclause
result = session.query(User).join(Address, Address.user_id == User.id).order_by(User.id).all()

# case: join-chain
result = session.query(Order).join(Order.user).join(User.addresses).filter(Address.email.like("cy@%")).order_by(Order.id).all()

# case: outerjoin
result = session.query(User.name, Order.amount).outerjoin(User.orders).order_by(User.id, Order.id).all()

# case: joinedload
result = [(user, user.addresses) for user in session.query(User).options(joinedload(User.addresses)).order_by(User.id).all()]

# case: joinedload-first
# intended: first() gains LIMIT 1 in the statement; Query.first() added the same limit when it ran
result = session.query(User).options(joinedload(User.addresses)).order_by(User.id).first().addresses

# case: joinedload-limit
result = [(user, user.addresses) for user in session.query(User).options(joinedload(User.addresses)).order_by(User.id).limit(2).all()]

# case: contains-eager
result = [(user, user.addresses) for user in session.query(User).join(User.addresses).options(contains_eager(User.addresses)).filter(Address.email.like("%.org")).order_by(User.id).all()]

# case: first-of-join
# intended: first() gains LIMIT 1 in the statement; Query.first() added the same limit when it ran
result = session.query(User).join(User.orders).filter(Order.status == "open").order_by(User.id.desc()).first()

# case: any-relationship
result = session.query(User).filter(User.addresses.any(Address.email.like("%.net"))).all()

# case: selectinload
result = [(user, user.orders) for user in session.query(User).options(selectinload(User.orders)).filter(User.id != 3).all()]

# case: join-in-filter
result = session.query(User).filter(User.id == Address.user_id).order_by(User.id).all()

# case: join-in-filter-one
result = session.query(User).filter(User.id == Address.user_id, Address.email.like("ann@%")).one()
