# SYNTAX TEST "source.python" "strings that only look like SQL stay plain Python strings"
from sqlalchemy import text

plain = "SELECT id FROM users WHERE id = :id"
#        ^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy variable.parameter.bind.sql

cursor.execute("DELETE FROM users")
#               ^^^^^^^^^^^^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql

label = context("SELECT 1") + my_text('SELECT 2') + textual("SELECT 3") + text_("SELECT 4")
#                ^^^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy
#                                      ^^^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy
#                                                            ^^^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy
#                                                                                ^^^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy

dynamic = text(f"SELECT * FROM {table}")
#              ^ storage.type.string.python
#                ^^^^^^ string.interpolated.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql

from_var = text(sql_string)
#               ^^^^^^^^^^ meta.function-call.arguments.python - meta.embedded.sql.sqlalchemy

# text("SELECT * FROM users")
#       ^^^^^^ comment.line.number-sign.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql

doc = 'call text("SELECT 1") here'
#                 ^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql

params = conn.execute(text("SELECT :a"), ("SELECT", "FROM"))
#                                          ^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#                                                    ^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql

data = b"SELECT 1"
#        ^^^^^^ string.quoted.binary.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql


class Widget:
    def text(
#       ^^^^ entity.name.function.python - meta.function-call.sqlalchemy-sql.python
        self,
#       ^^^^ variable.parameter.function.language.special.self.python - meta.function-call.sqlalchemy-sql.python
        value="SELECT",
#              ^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql
    ):
        return "SELECT"
#               ^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql
