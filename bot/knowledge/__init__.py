"""The curated knowledge base: files under knowledge/, a SQLAlchemy store, search and answers."""
