# SYNTAX TEST "source.python" "SQL inside text() and exec_driver_sql() string arguments"
from sqlalchemy import text
import sqlalchemy as sa
import sqlalchemy

result = conn.execute(text("SELECT id, name FROM users WHERE id = :user_id"), {"user_id": 1})
#                     ^^^^ meta.function-call.python meta.function-call.generic.python
#                         ^ punctuation.definition.arguments.begin.python
#                          ^ string.quoted.single.python punctuation.definition.string.begin.python - meta.embedded.sql.sqlalchemy
#                           ^^^^^^ string.quoted.single.python meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#                                  ^^ meta.embedded.sql.sqlalchemy - keyword.other.DML.sql
#                                    ^ meta.embedded.sql.sqlalchemy punctuation.separator.comma.sql
#                                           ^^^^ meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#                                                      ^^^^^ meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#                                                               ^ meta.embedded.sql.sqlalchemy keyword.operator.sql
#                                                                 ^ variable.parameter.bind.sql punctuation.definition.parameter.sql
#                                                                  ^^^^^^^ meta.embedded.sql.sqlalchemy variable.parameter.bind.sql
#                                                                         ^ string.quoted.single.python punctuation.definition.string.end.python - meta.embedded.sql.sqlalchemy
#                                                                          ^ punctuation.definition.arguments.end.python
#                                                                           ^ punctuation.separator.arguments.python
#                                                                             ^ punctuation.definition.dict.begin.python - meta.function-call.sqlalchemy-sql.python
#                                                                               ^^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy variable.parameter.bind.sql

stmt = sa.text('select * from orders where total > 10.5 and not archived or note is null')
#        ^ punctuation.separator.period.python
#         ^^^^ meta.function-call.generic.python
#              ^ punctuation.definition.string.begin.python
#               ^^^^^^ meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#                      ^ keyword.operator.sql
#                        ^^^^ keyword.other.DML.sql
#                                    ^^^^^ keyword.other.DML.sql
#                                                  ^^^^ meta.embedded.sql.sqlalchemy constant.numeric.sql
#                                                       ^^^ keyword.operator.logical.sql
#                                                           ^^^ keyword.operator.logical.sql
#                                                                        ^^ keyword.operator.logical.sql
#                                                                                ^^ keyword.operator.sql
#                                                                                   ^^^^ constant.language.sql
#                                                                                       ^ punctuation.definition.string.end.python

stmt = sqlalchemy.text("UPDATE accounts SET status = 'closed' WHERE id = :id -- one row")
#                 ^^^^ meta.function-call.generic.python
#                       ^^^^^^ keyword.other.DML.sql
#                                       ^^^ keyword.other.DML.sql
#                                                    ^ meta.embedded.sql.sqlalchemy string.quoted.single.sql punctuation.definition.string.begin.sql
#                                                     ^^^^^^ meta.embedded.sql.sqlalchemy string.quoted.single.sql - keyword.other.DML.sql
#                                                           ^ string.quoted.single.sql punctuation.definition.string.end.sql
#                                                                        ^^^ variable.parameter.bind.sql
#                                                                            ^^ meta.embedded.sql.sqlalchemy comment.line.double-dash.sql punctuation.definition.comment.sql
#                                                                              ^^^^^^^^ comment.line.double-dash.sql
#                                                                                      ^ punctuation.definition.string.end.python - comment.line.double-dash.sql
#                                                                                       ^ punctuation.definition.arguments.end.python

query = text("""
#            ^^^ string.quoted.multi.python punctuation.definition.string.begin.python
    SELECT u.name, count(*) AS n
#   ^^^^^^ string.quoted.multi.python meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#                  ^^^^^ support.function.sql
#                           ^^ keyword.other.DML.sql
    FROM users u
    LEFT OUTER JOIN orders o ON o.user_id = u.id
#   ^^^^ keyword.other.DML.sql
#        ^^^^^ keyword.other.DML.sql
#              ^^^^ keyword.other.DML.sql
#                            ^^ keyword.other.DML.sql
    WHERE o.created_at > :since AND o.note LIKE 'it''s%'
#                        ^^^^^^ variable.parameter.bind.sql
#                                          ^^^^ keyword.operator.sql
#                                               ^^^^^^^^ string.quoted.single.sql
    GROUP BY u.name
#   ^^^^^ keyword.other.DML.sql
#         ^^ keyword.other.DML.sql
    ORDER BY n DESC
#   ^^^^^ keyword.other.DML.sql
#         ^^ keyword.other.DML.sql
#              ^^^^ keyword.other.DML.sql
    LIMIT 10 /* first page */
#   ^^^^^ keyword.other.DML.sql
#         ^^ constant.numeric.sql
#            ^^^^^^^^^^^^^^^^ comment.block.sql
""")
# <--- string.quoted.multi.python punctuation.definition.string.end.python
#  ^ punctuation.definition.arguments.end.python

ddl = text('''CREATE TABLE IF NOT EXISTS "audit log" (id INTEGER PRIMARY KEY, body TEXT DEFAULT NULL)''')
#          ^^^ punctuation.definition.string.begin.python
#             ^^^^^^ meta.embedded.sql.sqlalchemy keyword.other.DDL.sql
#                    ^^^^^ keyword.other.DDL.sql
#                          ^^ keyword.other.DDL.sql
#                             ^^^ keyword.operator.logical.sql
#                                 ^^^^^^ keyword.operator.sql
#                                        ^^^^^^^^^^^ string.quoted.double.sql
#                                                        ^^^^^^^ storage.type.sql
#                                                                ^^^^^^^ keyword.other.DDL.sql
#                                                                                       ^^^^^^^ keyword.other.DDL.sql
#                                                                                                    ^^^ punctuation.definition.string.end.python

cast_query = text(r"SELECT payload::jsonb, '\d+' FROM events WHERE ts > :start")
#                 ^ string.quoted.raw.single.python storage.type.string.python
#                  ^ punctuation.definition.string.begin.python
#                   ^^^^^^ meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#                                 ^^ keyword.operator.sql - variable.parameter.bind.sql
#                                   ^^^^^ storage.type.sql
#                                          ^^^^^ string.quoted.single.sql
#                                                                       ^^^^^^ variable.parameter.bind.sql

legacy = text(u"DELETE FROM sessions WHERE expires < 0")
#             ^ string.quoted.single.python storage.type.string.python
#               ^^^^^^ meta.embedded.sql.sqlalchemy keyword.other.DML.sql

stmt = sa.text(
    "INSERT INTO t (a) "
#   ^ punctuation.definition.string.begin.python
#    ^^^^^^ meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#           ^^^^ keyword.other.DML.sql
    "VALUES (:a)"
#    ^^^^^^ meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#            ^^ variable.parameter.bind.sql
)
# <- punctuation.definition.arguments.end.python

conn.exec_driver_sql("INSERT INTO t VALUES (%s, %(name)s, ?)", ("a", "SELECT"))
#    ^^^^^^^^^^^^^^^ meta.function-call.generic.python
#                    ^ punctuation.definition.string.begin.python
#                     ^^^^^^ meta.embedded.sql.sqlalchemy keyword.other.DML.sql
#                                   ^^^^^^ keyword.other.DML.sql
#                                           ^^ meta.embedded.sql.sqlalchemy variable.parameter.placeholder.sql
#                                               ^^^^^^^^ variable.parameter.placeholder.sql
#                                                         ^ variable.parameter.placeholder.sql
#                                                                     ^^^^^^ string.quoted.single.python - meta.embedded.sql.sqlalchemy keyword.other.DML.sql

with engine.connect() as connection:
    connection.exec_driver_sql('DROP TABLE t')
#                               ^^^^ meta.embedded.sql.sqlalchemy keyword.other.DDL.sql
#                                    ^^^^^ keyword.other.DDL.sql

created_at = Column(DateTime, server_default=text("CURRENT_TIMESTAMP"))
#                                                  ^^^^^^^^^^^^^^^^^ meta.embedded.sql.sqlalchemy
