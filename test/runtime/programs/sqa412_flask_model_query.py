"""SQA412: Flask-SQLAlchemy's Model.query read through terminals and the view helpers, in an app context."""
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
db = SQLAlchemy(app)


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    books = db.relationship("Book", back_populates="author", order_by="Book.id")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(50), nullable=False)
    author_id = db.Column(db.ForeignKey("author.id"), nullable=False)
    author = db.relationship("Author", back_populates="books")


with app.app_context():
    db.create_all()
    db.session.add_all([Author(id=1, name="ann"), Author(id=2, name="bob")])
    db.session.add_all([Book(id=n, title=f"book {n}", author_id=1 if n % 3 else 2) for n in range(1, 8)])
    db.session.commit()
    db.session.expunge_all()

    print("all:", [author.name for author in Author.query.order_by(Author.id).all()])
    print("filter_by first:", Author.query.filter_by(name="bob").first().name)
    print("first of none:", Author.query.filter_by(name="cy").first())
    print("one:", Author.query.filter(Author.name == "ann").one().id)
    print("one_or_none:", Author.query.filter(Author.id == 9).one_or_none())
    print("count:", Book.query.count(), Book.query.filter(Book.author_id == 2).count())
    eager = Author.query.options(joinedload(Author.books)).order_by(Author.id).all()
    print("joined eager load:", [(author.name, len(author.books)) for author in eager])
    for book in Book.query.filter(Book.id > 5).order_by(Book.title.desc()):
        print("iterated:", book.title)

    print("get:", Author.query.get(2).name, Author.query.get(9))
    print("get_or_404:", Author.query.get_or_404(1).name)
    try:
        Author.query.get_or_404(9, description="No such author")
    except NotFound as missing:
        print("get_or_404 missing:", missing.code, missing.description)
    print("first_or_404:", Book.query.filter_by(author_id=2).order_by(Book.id).first_or_404().title)
    try:
        Book.query.filter_by(author_id=3).first_or_404()
    except NotFound as missing:
        print("first_or_404 missing:", missing.code)
    print("one_or_404:", Author.query.filter_by(name="ann").one_or_404().id)
    try:
        Book.query.filter_by(author_id=1).one_or_404(description="Not exactly one")
    except NotFound as missing:
        print("one_or_404 several:", missing.code, missing.description)
    page = Book.query.order_by(Book.id).paginate(page=2, per_page=3)
    print("paginate:", page.page, page.pages, page.total, [book.title for book in page.items])
    last = Book.query.filter(Book.author_id == 1).order_by(Book.id.desc()).paginate(page=3, per_page=2, error_out=False)
    print("last page:", last.has_next, last.has_prev, [book.id for book in last.items])
