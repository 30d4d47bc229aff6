"""Tables scroll sideways inside a wrapper instead of squeezing their columns on a phone."""

from __future__ import annotations

from markdown_it import MarkdownIt


def tables_plugin(md: MarkdownIt) -> None:
    def table_open(self, tokens, idx, options, env):
        return '<div class="table-wrap">' + self.renderToken(tokens, idx, options, env)

    def table_close(self, tokens, idx, options, env):
        return self.renderToken(tokens, idx, options, env) + "</div>\n"

    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
