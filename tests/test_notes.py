"""Front-matter and note rules: titles, dates, drafts, permalinks, assets, odd input."""

from __future__ import annotations


from .conftest import messages


def test_title_falls_back_to_h1_then_file_name(garden):
    result, out = garden({"a.md": "# The Real Title\n\ntext\n", "b name.md": "no heading\n"})
    a = (out / "a" / "index.html").read_text()
    assert "<title>The Real Title · Test Garden</title>" in a
    assert a.count("The Real Title</h1>") == 1  # the body's own H1 is not repeated under the page title
    assert "<title>b name · Test Garden</title>" in (out / "b-name" / "index.html").read_text()


def test_drafts_are_left_out_and_links_to_them_are_plain_text(garden):
    result, out = garden({
        "draft.md": "---\ndraft: true\n---\nsecret\n",
        "private.md": "---\npublish: false\n---\nsecret\n",
        "a.md": "See [[draft]] and [[private|that]].\n",
    })
    assert not (out / "draft").exists() and not (out / "private").exists()
    html = (out / "a" / "index.html").read_text()
    assert "See draft and that." in html
    assert messages(result) == []


def test_permalink_overrides_and_cannot_escape(garden):
    result, out = garden({
        "a.md": "---\npermalink: /essays/Deep Work\n---\ntext\n",
        "b.md": "---\npermalink: ../../x\n---\ntext\n",
    })
    assert (out / "essays" / "deep-work" / "index.html").exists()
    assert (out / "b" / "index.html").exists()
    assert messages(result) == ["b.md:2: error: permalink '../../x' leaves the site\n"
                                "    hint: use a path inside the site, such as notes/my-note"]


def test_tags_and_aliases_as_strings(garden):
    result, out = garden({
        "a.md": "---\ntags: one, two/three\naliases: Another Name\n---\ntext\n",
        "b.md": "[[another name]]\n",
    })
    assert (out / "tags" / "two" / "three" / "index.html").exists()
    assert (out / "tags" / "one" / "index.html").exists()
    assert 'href="../a/"' in (out / "b" / "index.html").read_text()
    assert messages(result) == []


def test_dates_in_odd_formats_and_fallbacks(garden):
    result, out = garden({
        "a.md": "---\ncreated: 2024/03/05\nupdated: March 7, 2024\n---\ntext\n",
        "b.md": "---\ndate: someday\n---\ntext\n",
    })
    a = (out / "a" / "index.html").read_text()
    assert 'datetime="2024-03-05"' in a and 'datetime="2024-03-07"' in a
    assert messages(result) == ["b.md:2: warning: 'date' is not a date I can read: 'someday'\n"
                                "    hint: write dates as YYYY-MM-DD"]


def test_assets_are_copied_and_linked(garden):
    result, out = garden({"Images/My Photo.png": b"\x89PNG fake", "a.md": "![[My Photo.png|200]]\n"})
    assert (out / "images" / "My Photo.png").read_bytes() == b"\x89PNG fake"
    assert 'src="../images/My%20Photo.png" alt="My Photo" width="200"' in (out / "a" / "index.html").read_text()


def test_latin1_crlf_bom_and_nul(garden):
    result, out = garden({
        "latin.md": "caf\xe9 cr\xe8me\n".encode("latin-1"),
        "crlf.md": b"\xef\xbb\xbf---\r\ntitle: CRLF\r\n---\r\nline one\r\nline two\r",
        "nul-bytes.md": b"before\x00after\n",
    })
    assert "café crème" in (out / "latin" / "index.html").read_text()
    assert "<title>CRLF · Test Garden</title>" in (out / "crlf" / "index.html").read_text()
    assert "beforeafter" in (out / "nul-bytes" / "index.html").read_text()
    assert sorted(messages(result)) == [
        "latin.md:1: warning: file is not valid UTF-8; read as Latin-1\n    hint: save the note as UTF-8",
        "nul-bytes.md:1: warning: file contains NUL bytes; they are dropped",
    ]


def test_folder_pages_and_index_notes(garden):
    result, out = garden({
        "ml/index.md": "---\ntitle: Machine Learning\n---\nAbout ML.\n",
        "ml/Batching.md": "b\n",
        "ml/deep/Attention.md": "c\n",
        "ops/Runbooks.md": "d\n",
    })
    ml = (out / "ml" / "index.html").read_text()
    assert "About ML." in ml and "Batching" in ml and "deep/" in ml
    assert "Runbooks" in (out / "ops" / "index.html").read_text()
    assert (out / "ml" / "deep" / "index.html").exists()


def test_unknown_front_matter_keys_reach_templates(garden, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "note.html").write_text("{{ note.meta.mood }}|{{ note.title }}")
    result, out = garden({"a.md": "---\nmood: curious\n---\ntext\n"})
    assert (out / "a" / "index.html").read_text() == "curious|a"
