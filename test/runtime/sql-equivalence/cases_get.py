"""SQL equivalence cases: loading by primary key (SQA401); no statement to compile, so the executed SQL is compared."""
from sqlalchemy.orm import Session

from models import User, new_engine

session = Session(new_engine())


def all_users(session):
    return session.query(User)


# case: get
result = session.query(User).get(2)

# case: get-missing
result = session.query(User).get(99)

# case: get-through-function
result = all_users(session).get(3)

# case: get-through-variable
users = all_users(session)
result = (users.get(1), users.get(4))
