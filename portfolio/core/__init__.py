"""Start page, health check and language choice."""
