"""Committee plans for digital transformation, their goals and goal follow-ups."""
