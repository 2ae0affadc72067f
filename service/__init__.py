"""The HTTP service: submit reports, durable jobs run by lease-holding workers, review pages, exports.

Modules, one job each:

- `app`: the FastAPI app factory (`create_app`) with its lifespan; `routes` the endpoints, `deps` the
  typed dependencies (settings, store, the caller's token).
- `schemas`: the API models. The job store, stored files and workers it shares with Label Studio push
  and the command line are `xxgk.runners.jobs`.
- `limits`: request bodies bounded in size and time; `multipart` the upload body read as it streams;
  `uploads`: the checks that refuse a bad upload before a job exists.
- `errors`: one error shape for every refusal; `headers`: security headers on every answer.
- `sessions`: review pages in a browser through a cookie instead of a token in the URL.
- `render`: page images rendered in child processes, capped in pixels, memory and time.
- `retention`: the clean-up of old jobs and their files.
- `review`: the HTML review page; `server`: `xxgk serve` (uvicorn plus embedded workers).
"""
