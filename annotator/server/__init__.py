"""The team server: a PostgreSQL database that holds a team project (documents,
schema, assignments, every layer, review decisions), and the sync of a local
SQLite store with it.

No Qt here, and psycopg is imported only when a server is used
(`connection.connect`), so the window and the SQLite path never need it.
"""
