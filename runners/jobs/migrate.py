"""Brings a database made by an earlier version of the service up to the current schema, in place.

Run by `Store.create_schema` before `create_all` (which adds whole missing tables, such as
`sessions`, but never columns or indexes of existing ones). Each step checks the live schema
first, so running it again, or on a new database, does nothing. The steps, oldest first:

1. `tokens.revoked_at`: tokens can be revoked (`xxgk token revoke`).
2. `jobs.revision` and `jobs.deadline_at`: reruns numbered per token and file; a deadline per attempt.
3. The unique index on (token_id, sha256, revision) replaces the plain one on (token_id, sha256);
   an index on `finished_at` serves the clean-up of old jobs.
   Databases written before it can hold several jobs of one token for the same bytes (a rerun, or
   two identical uploads that raced); they are numbered 0, 1, 2... by creation time first, so no
   job is lost or merged and the newest stays the one a new upload of the bytes returns.

Processes that open the database at the same moment (a server and `xxgk worker`s) may both try a
step; the loser's statement fails, and it looks again and finds the step done.
"""

from __future__ import annotations

import logging
from itertools import groupby

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

ATTEMPTS = 3
UNIQUE_INDEX = "ux_jobs_token_sha_revision"
OLD_INDEX = "ix_jobs_token_sha"
FINISHED_INDEX = "ix_jobs_finished"


def upgrade(engine: Engine) -> list[str]:
    """Apply the missing steps; returns what was done (empty for a current or new database)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with engine.begin() as conn:
                done = _steps(conn)
            for step in done:
                log.info("database upgraded: %s", step)
            return done
        except DBAPIError:
            if attempt == ATTEMPTS:
                raise
            log.info("database upgrade raced another process; looking again", exc_info=True)
    return []


def _steps(conn: Connection) -> list[str]:
    insp = inspect(conn)
    tables = set(insp.get_table_names())
    done: list[str] = []
    if "tokens" in tables and "revoked_at" not in _columns(conn, "tokens"):
        conn.execute(text("ALTER TABLE tokens ADD COLUMN revoked_at FLOAT"))
        done.append("tokens.revoked_at added")
    if "jobs" not in tables:
        return done
    columns = _columns(conn, "jobs")
    if "revision" not in columns:
        conn.execute(text("ALTER TABLE jobs ADD COLUMN revision INTEGER NOT NULL DEFAULT 0"))
        done.append("jobs.revision added")
    if "deadline_at" not in columns:
        conn.execute(text("ALTER TABLE jobs ADD COLUMN deadline_at FLOAT"))
        done.append("jobs.deadline_at added")
    indexes = {ix["name"] for ix in inspect(conn).get_indexes("jobs")}
    if UNIQUE_INDEX not in indexes:
        renumbered = _number_duplicates(conn)
        conn.execute(text(f"CREATE UNIQUE INDEX {UNIQUE_INDEX} ON jobs (token_id, sha256, revision)"))
        done.append(f"unique index on (token_id, sha256, revision); {renumbered} earlier duplicate jobs numbered")
    if OLD_INDEX in indexes:
        conn.execute(text(f"DROP INDEX {OLD_INDEX}"))
        done.append(f"index {OLD_INDEX} dropped")
    if FINISHED_INDEX not in indexes:
        conn.execute(text(f"CREATE INDEX {FINISHED_INDEX} ON jobs (finished_at)"))
        done.append(f"index {FINISHED_INDEX} added")
    return done


def _columns(conn: Connection, table: str) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns(table)}


def _number_duplicates(conn: Connection) -> int:
    """Give each token's jobs for the same bytes revisions 0, 1, 2... by creation; returns how many changed."""
    rows = conn.execute(text("SELECT id, token_id, sha256, revision FROM jobs "
                             "ORDER BY token_id, sha256, created_at, id")).all()
    changed = 0
    for _, group in groupby(rows, key=lambda r: (r.token_id, r.sha256)):
        for revision, row in enumerate(group):
            if row.revision != revision:
                conn.execute(text("UPDATE jobs SET revision = :rev WHERE id = :id"), {"rev": revision, "id": row.id})
                changed += 1
    return changed
