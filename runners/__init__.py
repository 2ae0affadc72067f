"""Runners: what drives the stages over many documents and keeps the results.

- `batch`: files in, one contract JSON per report and the side-by-side tables out (`xxgk extract`);
  `ray_backend` the same per file as Ray tasks.
- `jobs`: the durable job store (SQLite/PostgreSQL), stored files, and the lease-holding workers
  that the HTTP service and Label Studio push both use.
- `export`: reports as CSV/XLSX tables; `evaluation`: labelled sets extracted and scored (`xxgk eval`).
- `bench`: the pipeline timed per stage on generated or given files (`xxgk bench`).

Runners sit above the stages (`xxgk.inference`) and the generators (`xxgk.training`) and below the
interfaces (`xxgk.cli`, `xxgk.service`, `xxgk.annotations`).
"""
