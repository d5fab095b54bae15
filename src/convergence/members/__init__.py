"""Members (tenants), users, roles, API tokens, the member scope and the audit log."""
