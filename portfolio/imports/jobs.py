"""The import as a background job (registered with `portfolio.jobs.engine.job`)."""
