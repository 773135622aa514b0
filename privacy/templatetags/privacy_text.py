from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def policy_html(body: str) -> SafeString:
    """Policy text to HTML: blank lines separate paragraphs, "## " starts a heading. Everything is escaped."""
    blocks = []
    for block in (b.strip() for b in body.split("\n\n")):
        if not block:
            continue
        if block.startswith("## "):
            heading, _, rest = block[3:].partition("\n")
            blocks.append(("h2", heading))
            if rest.strip():
                blocks.append(("p", rest.strip()))
        else:
            blocks.append(("p", block))
    return format_html_join("\n", "<{0}>{1}</{0}>", blocks)
