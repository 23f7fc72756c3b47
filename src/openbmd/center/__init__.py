"""The joint data-sharing center: a multi-party service above the engine (nothing in the engine imports it).

``create_app(db_url)`` (:mod:`openbmd.center.service`) builds the HTTP service; ``openbmd center
init|serve|audit verify`` drive it from the command line. Storage: SQLite in WAL mode by default,
PostgreSQL by URL (:mod:`openbmd.center.db`); the agreement and its multi-party approvals
(:mod:`openbmd.center.agreement`); tokens (:mod:`openbmd.center.auth`); the hash-chained audit
(:mod:`openbmd.center.audit`); the fused picture (:mod:`openbmd.center.picture` over
:mod:`openbmd.center.fusion`).
"""
