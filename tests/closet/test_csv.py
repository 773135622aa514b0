"""Items as CSV (docs/csv.md): export of one's own items with CSV-injection protection, import row by row with
errors by line number, file limits and encodings, and a round trip into another account."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from closet.models import Item, ItemStatus, Source, Tag
from closet.services import csv_io
from tests.closet.factories import ItemFactory, category, colour

pytestmark = [pytest.mark.django_db, pytest.mark.promise("CLO-3")]

HEADER = ",".join(csv_io.COLUMNS)


def _file(text: str | bytes, name: str = "closet.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _import(api_client, text: str | bytes):
    return api_client.post("/api/v1/items/import/", {"file": _file(text)}, format="multipart")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _export(api_client) -> str:
    response = api_client.get("/api/v1/items/export/")
    assert response.status_code == 200
    return response.content.decode()


def _full_item(owner, **overrides) -> Item:
    from closet.services.items import closet_item_create

    fields = {
        "name": "Camel wool coat",
        "category": category("outerwear"),
        "subcategory": category("coats"),
        "colours": [colour("camel"), colour("black")],
        "pattern": "checked",
        "material": "Wool, cashmere",
        "brand": 'Arket "Studio"',
        "size": "M",
        "seasons": ["autumn", "winter"],
        "formality": 4,
        "warmth": 5,
        "price": Decimal("249.00"),
        "currency": "EUR",
        "purchase_date": datetime.date(2025, 10, 2),
        "wash_interval": 10,
        "tags": ["work", "favourite"],
        "notes": "Dry clean only.\nSecond line, with a comma.",
    }
    return closet_item_create(owner=owner, **(fields | overrides))


# --- export ------------------------------------------------------------------------------------------------------


class TestExport:
    def test_the_api_answers_csv_with_every_documented_column(self, api_client, user):
        _full_item(user)
        response = api_client.get("/api/v1/items/export/")

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        text = response.content.decode()
        assert text.startswith(HEADER + "\r\n")  # no byte-order mark for programs
        [row] = _rows(text)
        assert row == {
            "name": "Camel wool coat",
            "category": "outerwear",
            "subcategory": "coats",
            "colours": "black|camel",  # palette order
            "pattern": "checked",
            "material": "Wool, cashmere",
            "brand": 'Arket "Studio"',
            "size": "M",
            "seasons": "autumn|winter",
            "formality": "4",
            "warmth": "5",
            "price": "249.00",
            "currency": "EUR",
            "purchase_date": "2025-10-02",
            "status": "active",
            "wash_interval": "10",
            "tags": "favourite|work",
            "notes": "Dry clean only.\nSecond line, with a comma.",
        }

    def test_a_client_asking_for_text_csv_gets_it(self, api_client, user):
        response = api_client.get("/api/v1/items/export/", HTTP_ACCEPT="text/csv")
        assert response.status_code == 200 and response.content.decode().startswith(HEADER)

    def test_only_my_items_are_exported(self, api_client, user, other_user):
        ItemFactory(owner=user, name="Mine")
        ItemFactory(owner=other_user, name="Bob's secret jacket")

        assert [row["name"] for row in _rows(_export(api_client))] == ["Mine"]

    def test_every_status_is_exported_oldest_first(self, api_client, user):
        for name, status in (("First", ItemStatus.ACTIVE), ("Second", ItemStatus.DRAFT), ("Third", ItemStatus.SOLD)):
            ItemFactory(owner=user, name=name, status=status)

        rows = _rows(_export(api_client))
        assert [(r["name"], r["status"]) for r in rows] == [("First", "active"), ("Second", "draft"), ("Third", "sold")]

    @pytest.mark.parametrize(
        ("value", "written"),
        [
            ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("Plain = fine", "Plain = fine"),
            ("'quoted already", "'quoted already"),
        ],
    )
    def test_cells_a_spreadsheet_would_run_are_escaped(self, api_client, user, value, written):
        ItemFactory(owner=user, name=value, brand=value, notes=value)

        [row] = _rows(_export(api_client))

        assert row["name"] == row["brand"] == row["notes"] == written

    def test_the_web_download_is_an_attachment_with_a_byte_order_mark(self, client, user):
        ItemFactory(owner=user, name="Crème jumper")
        client.force_login(user)

        response = client.get("/closet/export.csv")

        assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="sesiocloset-items-')
        assert response["Cache-Control"] == "private, no-store"
        assert response.content.startswith(b"\xef\xbb\xbf" + HEADER.encode())
        assert "Crème jumper" in response.content.decode("utf-8-sig")

    def test_export_needs_a_signed_in_user(self, client, anonymous_api_client):
        assert client.get("/closet/export.csv").status_code == 302
        assert anonymous_api_client.get("/api/v1/items/export/").status_code == 401


# --- import ------------------------------------------------------------------------------------------------------


class TestImport:
    def test_good_rows_become_items_from_an_import(self, api_client, user):
        text = (
            "name,category,subcategory,colours,seasons,tags,price,currency,purchase_date,formality,pattern,notes\n"
            'Blue jeans,bottoms,jeans,denim,spring|autumn,Weekend|casual,59.90,eur,2024-03-01,2,solid,"Slim, raw"\n'
            "White tee,tops,,white,,,,,,,,\n"
        )
        response = _import(api_client, text)

        assert response.status_code == 200, response.content
        assert response.json() == {"created": 2, "failed": 0, "errors": []}
        jeans = Item.objects.get(owner=user, name="Blue jeans")
        assert jeans.source == Source.IMPORT and jeans.status == ItemStatus.ACTIVE
        assert jeans.category == category("bottoms") and jeans.subcategory == category("jeans")
        assert list(jeans.colours.all()) == [colour("denim")]
        assert jeans.seasons == ["spring", "autumn"]
        assert sorted(t.name for t in jeans.tags.all()) == ["casual", "weekend"]
        assert jeans.price == Decimal("59.90") and jeans.currency == "EUR"
        assert jeans.purchase_date == datetime.date(2024, 3, 1) and jeans.formality == 2
        assert jeans.notes == "Slim, raw"
        assert Item.objects.get(name="White tee").subcategory is None

    def test_bad_rows_are_reported_by_line_and_the_good_ones_kept(self, api_client, user):
        text = (
            "name,category,colours,formality\n"  # line 1
            "Shirt,tops,navy,3\n"  # line 2
            "Skirt,bottoms,,\n"  # line 3
            "Space suit,spacesuit,,\n"  # line 4
            "\n"  # line 5: blank, skipped
            ",tops,chartreuse,9\n"  # line 6: three problems, all named
        )
        response = _import(api_client, text)

        body = response.json()
        assert response.status_code == 200
        assert body["created"] == 2 and body["failed"] == 2
        assert body["errors"][0] == {
            "line": 4,
            "reasons": ["unknown category 'spacesuit'"],
            "detail": "line 4: unknown category 'spacesuit'",
        }
        assert body["errors"][1]["line"] == 6
        assert body["errors"][1]["reasons"] == [
            "the name is empty",
            "unknown colour 'chartreuse'",
            "formality must be between 1 and 5, not 9",
        ]
        assert sorted(Item.objects.filter(owner=user).values_list("name", flat=True)) == ["Shirt", "Skirt"]

    def test_line_numbers_count_lines_inside_quoted_cells(self, api_client):
        text = 'name,category,notes\nCoat,outerwear,"two\nlines"\nHat,nope,\n'

        body = _import(api_client, text).json()

        assert body["errors"][0]["detail"] == "line 4: unknown category 'nope'"
        assert Item.objects.get().notes == "two\nlines"

    @pytest.mark.parametrize(
        ("row", "reason"),
        [
            ("X,tops,jeans", "subcategory 'jeans' is not a kind of Tops"),
            ("X,tops,nothing", "unknown subcategory 'nothing'"),
            ("X,tops,,,,,,,,,,12.345,EUR", "price '12.345' has more than two decimals or is too large"),
            ("X,tops,,,,,,,,,,abc,EUR", "price 'abc' is not a number (write it like 49.90)"),
            ("X,tops,,,,,,,,,,-1,EUR", "price '-1' must be zero or more"),
            ("X,tops,,,,,,,,,,10,", "a price needs a currency, such as EUR"),
            ("X,tops,,,,,,,,,,10,EURO", "currency 'EURO' is not a three-letter code such as EUR"),
            ("X,tops,,,,,,,,,,,,2024-13-01", "purchase_date '2024-13-01' is not a date written YYYY-MM-DD"),
            ("X,tops,,,,,,,,,,,,01/02/2024", "purchase_date '01/02/2024' is not a date written YYYY-MM-DD"),
            ("X,tops,,,spotted", "unknown pattern 'spotted'"),
            ("X,tops,,,,,,,monsoon", "unknown season 'monsoon'"),
            ("X,tops,,,,,,,,,,,,,retired", "unknown status 'retired'"),
            ("X,tops,,,,,,,,,,,,,,0", "wash_interval must be between 1 and 100, not 0"),
            ("X,tops,,,,,,,,two", "formality 'two' is not a whole number"),
            ("X,tops,,,,,,,,,,,,,,,,,too,many", "20 values, but the header names 18 columns"),
            ("X" * 121 + ",tops", "the name is longer than 120 characters"),
            ("X,tops,,,,,," + "S" * 21, "size is longer than 20 characters"),
        ],
    )
    def test_each_bad_value_is_named(self, api_client, row, reason):
        response = _import(api_client, f"{HEADER}\n{row}\n")

        [error] = response.json()["errors"]
        assert error["line"] == 2
        assert any(r.startswith(reason) for r in error["reasons"]), error["reasons"]
        assert not Item.objects.exists() and not Tag.objects.exists()

    def test_lenient_where_it_is_safe(self, api_client):
        text = "Name , CATEGORY,Colours,Status,Pattern\nJeans,jeans,Navy|light blue,Wishlist,Checked / plaid\n"

        assert _import(api_client, text).json()["created"] == 1
        jeans = Item.objects.get()
        assert jeans.category == category("bottoms") and jeans.subcategory == category("jeans")
        assert {c.slug for c in jeans.colours.all()} == {"navy", "light-blue"}
        assert jeans.status == ItemStatus.WISHLIST and jeans.pattern == "checked"

    @pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
    def test_utf8_with_or_without_a_byte_order_mark(self, api_client, bom):
        response = _import(api_client, bom + "name,category\nPull crème,tops\n".encode())

        assert response.json()["created"] == 1
        assert Item.objects.get().name == "Pull crème"

    def test_commas_quotes_and_line_breaks_inside_cells(self, api_client):
        text = 'name,category,brand,notes\n"Shirt, striped",tops,"The ""Best"" Co","a\r\nb, c"\n'

        assert _import(api_client, text).json()["created"] == 1
        item = Item.objects.get()
        assert (item.name, item.brand, item.notes) == ("Shirt, striped", 'The "Best" Co', "a\r\nb, c")

    def test_the_export_escape_is_undone_and_other_quotes_kept(self, api_client):
        text = "name,category,notes\n'=SUM(A1),tops,'tis the season\n"

        _import(api_client, text)

        item = Item.objects.get()
        assert item.name == "=SUM(A1)" and item.notes == "'tis the season"

    def test_a_draft_can_be_imported(self, api_client):
        _import(api_client, "name,category,status\nMystery,tops,draft\n")
        assert Item.objects.get().status == ItemStatus.DRAFT


class TestImportRefusesTheFile:
    """A file that cannot be read as a whole is a 400 naming why, and imports nothing."""

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "The submitted file is empty."),  # DRF refuses it before we read it
            (b"   \n", "That file is empty."),
            (b"name,category\nJumper,tops\nPull,tops\nCr\xe8me,tops\n", "line 4: that file is not UTF-8"),
            (b"name,colour\nShirt,navy\n", "line 1: unknown column 'colour'"),
            (b"name,brand\nShirt,Arket\n", "line 1: the header must name the column 'category'"),
            (b"name,category,name\nShirt,tops,Again\n", "line 1: the column 'name' appears more than once"),
            (b'name,category\n"Shirt"x,tops\nHat,tops\n', "line 2: this line could not be read as CSV"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "line 1: that file is not UTF-8"),
        ],
        ids=["empty", "blank", "latin-1", "unknown-column", "no-category", "repeated", "broken-quotes", "png"],
    )  # fmt: skip
    def test_it_is_refused_and_nothing_imported(self, api_client, content, message):
        response = _import(api_client, content)

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert body["errors"]["file"][0].startswith(message), body
        assert not Item.objects.exists()

    def test_too_many_bytes(self, api_client, settings):
        settings.CLOSET_CSV_IMPORT_MAX_BYTES = 1024
        response = _import(api_client, "name,category\n" + "Shirt,tops\n" * 200)

        assert response.status_code == 400
        assert response.json()["errors"]["file"] == ["That file is 2.2 KB; the limit is 1 KB."]
        assert not Item.objects.exists()

    def test_the_default_limits_are_two_megabytes_and_five_thousand_items(self):
        assert csv_io.csv_max_bytes() == 2 * 1024 * 1024 and csv_io.csv_max_rows() == 5000

    def test_too_many_rows(self, api_client, settings):
        settings.CLOSET_CSV_IMPORT_MAX_ROWS = 3
        response = _import(api_client, "name,category\n" + "Shirt,tops\n" * 4)

        assert response.status_code == 400 and "more than 3 items" in response.json()["errors"]["file"][0]
        assert not Item.objects.exists()

    def test_no_file(self, api_client):
        response = api_client.post("/api/v1/items/import/", {}, format="multipart")
        assert response.status_code == 400 and "file" in response.json()["errors"]

    def test_import_needs_a_signed_in_user(self, anonymous_api_client, client):
        assert anonymous_api_client.post("/api/v1/items/import/", {}, format="multipart").status_code == 401
        assert client.get("/closet/import/").status_code == 302


# --- round trip ----------------------------------------------------------------------------------------------------


def test_an_export_imports_into_another_account_as_the_same_items(api_client, user, other_user):
    _full_item(user)
    _full_item(
        user,
        name="=cmd|' /C calc'!A0",
        notes='He said "hi", then left.\n\nThe end.',
        category=category("accessories"),
        **{"subcategory": None, "price": None, "currency": "", "tags": [], "colours": [], "seasons": []},
    )
    ItemFactory(owner=user, name="-minimal", status=ItemStatus.WISHLIST)
    exported = _export(api_client)

    bob = APIClient()
    bob.force_authenticate(other_user)
    response = bob.post("/api/v1/items/import/", {"file": _file(exported)}, format="multipart")

    assert response.json() == {"created": 3, "failed": 0, "errors": []}
    assert _export(bob) == exported
    assert Item.objects.get(owner=other_user, category=category("accessories")).name == "=cmd|' /C calc'!A0"


# --- the web page ------------------------------------------------------------------------------------------------


class TestImportPage:
    def test_the_page_has_the_form_the_columns_and_the_download(self, client, user):
        client.force_login(user)
        html = client.get("/closet/import/").content.decode()

        assert 'enctype="multipart/form-data"' in html and 'type="file" name="file"' in html
        assert "/closet/export.csv" in html
        for column in csv_io.COLUMNS:
            assert f"<code>{column}</code>" in html

    def test_an_import_shows_what_was_kept_and_each_refused_line(self, client, user):
        client.force_login(user)
        text = "name,category\nShirt,tops\nJeans,bottoms\nSuit,spacesuit\n"

        response = client.post("/closet/import/", {"file": _file(text)})

        html = response.content.decode()
        assert response.status_code == 200
        assert "2 items imported into your closet." in html
        assert "line 4: unknown category &#x27;spacesuit&#x27;" in html
        assert Item.objects.filter(owner=user).count() == 2

    def test_a_file_that_is_refused_is_a_400_with_the_reason(self, client, user):
        client.force_login(user)
        response = client.post("/closet/import/", {"file": _file("name,colour\nx,y\n")})

        assert response.status_code == 400 and "unknown column &#x27;colour&#x27;" in response.content.decode()
        assert not Item.objects.exists()

    def test_only_bad_rows_is_a_400(self, client, user):
        client.force_login(user)
        response = client.post("/closet/import/", {"file": _file("name,category\nSuit,spacesuit\n")})

        assert response.status_code == 400 and "line 2: unknown category" in response.content.decode()

    def test_no_file_is_a_400(self, client, user):
        client.force_login(user)
        assert client.post("/closet/import/", {}).status_code == 400
