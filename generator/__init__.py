"""digest: turns feeds and saved articles into a static, right-to-left news-digest website."""

__version__ = "0.1.0"
