"""garden: a static site generator for a digital garden of Obsidian-flavoured notes."""

__version__ = "0.1.0"
