"""`portfolio reminders …`."""

COMMANDS: tuple = ()
