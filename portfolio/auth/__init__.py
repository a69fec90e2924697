"""Users, roles and scopes, login and permissions."""
