"""Operations: backup and restore of the database and the stored files, and retention of the
change log. The CLI (`portfolio backup`, `restore`, `retention`) calls these; nothing here reads
a request."""
