"""Business rules as plain Python: no Flask, no SQLAlchemy, no WeChat."""
