"""The HTTP service: submit reports, durable jobs run by lease-holding workers, review pages, exports.

Modules, one job each:

- `app`: the FastAPI app factory (`create_app`) with its lifespan; `routes` the endpoints, `deps` the
  typed dependencies (settings, store, the caller's token).
- `db`: every SQL statement (jobs, tokens, review sessions) behind one `Store`; `migrate` brings an older
  database up to the schema; `schemas` the records and API models.
- `storage`: uploaded bytes stored by sha256, page images and review documents on disk.
- `limits`: request bodies bounded in size and time; `multipart` the upload body read as it streams;
  `uploads`: the checks that refuse a bad upload before a job exists.
- `errors`: one error shape for every refusal; `headers`: security headers on every answer.
- `sessions`: review pages in a browser through a cookie instead of a token in the URL.
- `render`: page images rendered in child processes, capped in pixels, memory and time.
- `worker`: the loop that claims jobs with a lease and a deadline, heartbeats, runs the pipeline and
  stores results; `pool` embedded worker processes, restarted with back-off.
- `retention`: the clean-up of old jobs and their files.
- `review`: the HTML review page; `server`: `xxgk serve` (uvicorn plus embedded workers).
"""
