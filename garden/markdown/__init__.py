"""Obsidian-flavoured Markdown: one markdown-it-py plugin per syntax."""
