"""The default theme: Jinja templates and static files, shipped inside the wheel."""
