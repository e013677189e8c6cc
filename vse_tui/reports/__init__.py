"""Reports and exports built from the store: JSON export, Markdown/CSV/JSON renderers.
Never imports Textual."""
