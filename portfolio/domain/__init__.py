"""Pure domain rules and calculations: no Flask, no database."""
