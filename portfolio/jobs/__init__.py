"""Background jobs (see `engine`): RQ on Redis when configured, in the web process otherwise."""
