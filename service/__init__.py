"""The HTTP service: submit reports, durable jobs run by lease-holding workers, review pages, exports.

Modules, one job each:

- `app`: the FastAPI app factory (`create_app`) with its lifespan; `routes` the endpoints, `deps` the
  typed dependencies (settings, store, the caller's token).
- `db`: every SQL statement (jobs, tokens) behind one `Store`; `schemas` the records and API models.
- `storage`: uploaded bytes stored by sha256, page images and review documents on disk.
- `uploads`: the cheap checks that refuse a bad upload before a job exists.
- `worker`: the loop that claims jobs with a lease, heartbeats, runs the pipeline and stores results.
- `review`: the HTML review page; `server`: `xxgk serve` (uvicorn plus embedded workers).
"""
