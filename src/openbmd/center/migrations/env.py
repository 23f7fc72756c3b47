"""Alembic environment of the center: runs on the connection that :func:`openbmd.center.db.migrate` passes.

Programmatic only (no alembic.ini): ``config.attributes["connection"]`` is an open connection
inside a transaction; the migrations run on it.
"""
from alembic import context

from openbmd.center.db import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the center's migrations through openbmd.center.db.migrate (openbmd center init)")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
