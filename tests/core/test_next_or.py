"""``core.views.next_or``: the one place forms' "go back to" targets are checked (no open redirects)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.views import next_or


@pytest.mark.parametrize(
    ("target", "secure", "expected"),
    [
        ("/closet/?page=2", False, "/closet/?page=2"),
        ("/closet/", True, "/closet/"),
        ("http://testserver/closet/", False, "http://testserver/closet/"),
        ("http://testserver/closet/", True, "/fallback/"),  # a secure page never sends back over plain HTTP
        ("https://evil.example/", False, "/fallback/"),
        ("//evil.example/closet/", False, "/fallback/"),
        ("javascript:alert(1)", False, "/fallback/"),
        ("", False, "/fallback/"),
    ],
)
def test_only_pages_of_this_site_are_followed(target, secure, expected):
    request = RequestFactory().post("/x/", {"next": target}, secure=secure)
    assert next_or(request, "/fallback/") == expected


def test_the_query_strings_next_counts_when_nothing_is_posted():
    assert next_or(RequestFactory().get("/x/", {"next": "/plan/"}), "/fallback/") == "/plan/"
    assert next_or(RequestFactory().get("/x/"), "/fallback/") == "/fallback/"
