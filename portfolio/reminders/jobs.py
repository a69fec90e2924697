"""The reminder jobs (registered with `portfolio.jobs.engine.job`)."""
