"""Durable jobs: `store` (every SQL statement, behind one `Store`; `migrate` brings an older database
up to the schema; `records` what it holds), `files` (uploaded bytes by sha256, page images, stored
documents), `worker` (the loop that claims a job with a lease and a deadline, heartbeats, runs the
pipeline and stores the result) and `pool` (embedded worker processes, restarted with back-off).
"""
