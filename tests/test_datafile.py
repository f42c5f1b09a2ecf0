"""kg.data: the strict TSV reader names file:line for every malformed rules or lexicon file."""

from __future__ import annotations

import pytest

from kg.data import compile_regex, read_tsv
from kg.errors import DataFileError

COLS = ("kind", "pattern", "note")


def write(tmp_path, text: str, name: str = "rules.tsv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_comments_and_blank_lines_are_ignored(tmp_path):
    path = write(tmp_path, "# source: test\n# version: 1\n\nkind\tpattern\tnote\n\n# a comment\n"
                           "drop\t^点击下载$\tbutton\n   \nstop\t^相关新闻\t\n")
    rows = read_tsv(path, COLS)
    assert [(r.line, r["kind"], r["pattern"], r["note"]) for r in rows] == [
        (7, "drop", "^点击下载$", "button"), (9, "stop", "^相关新闻", "")]


def test_list_cells(tmp_path):
    path = write(tmp_path, "name\taliases\n兰州新区\t甘肃兰州新区|新区|\n滨海新区\t\n")
    rows = read_tsv(path, ("name", "aliases"))
    assert rows[0].list("aliases") == ["甘肃兰州新区", "新区"]
    assert rows[1].list("aliases") == []


@pytest.mark.parametrize("text, line, words", [
    ("# c\nkind\tpattern\tcolour\n", 2, ["unknown column", "colour", "missing column", "note"]),
    ("kind\tpattern\n", 1, ["missing column", "note"]),
    ("pattern\tkind\tnote\n", 1, ["expected columns in order"]),
    ("kind\tpattern\tnote\ndrop\t^x$\n", 2, ["expected 3", "(kind, pattern, note)", "got 2",
                                              "an empty cell still needs its tab"]),
    ("kind\tpattern\tnote\ndrop\t^x$\tnote\n\ndrop\t^y$\ta\tb\n", 4, ["expected 3", "got 4"]),
    ("kind\tpattern\tnote\n\tdrop\n", 2, ["expected 3", "got 2"]),
    ("kind\tpattern\tnote\ndrop\t\tmissing pattern\n", 2, ["empty 'pattern'"]),
])
def test_errors_name_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as err:
        read_tsv(path, COLS, required=("kind", "pattern"))
    msg = str(err.value)
    assert msg.startswith(f"{path}:{line}: "), msg
    assert err.value.line == line
    for w in words:
        assert w in msg


@pytest.mark.parametrize("text, words", [
    ("# only comments\n\n", ["no header"]),
    ("", ["no header"]),
])
def test_file_level_errors(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(DataFileError) as err:
        read_tsv(path, COLS)
    assert str(path) in str(err.value)
    for w in words:
        assert w in str(err.value)


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(DataFileError, match="not found") as err:
        read_tsv(tmp_path / "nope.tsv", COLS)
    assert str(tmp_path / "nope.tsv") in str(err.value)
    bad = tmp_path / "gbk.tsv"
    bad.write_bytes("kind\tpattern\tnote\ndrop\t点击\t\n".encode("gbk"))
    with pytest.raises(DataFileError, match="not UTF-8") as err:
        read_tsv(bad, COLS)
    assert str(bad) in str(err.value)


def test_bad_regex_names_line(tmp_path):
    path = write(tmp_path, "kind\tpattern\tnote\ndrop\t^ok$\t\ndrop\t^(unclosed\tbroken\n")
    rows = read_tsv(path, COLS)
    assert compile_regex(path, rows[0], "pattern").search("ok")
    with pytest.raises(DataFileError) as err:
        compile_regex(path, rows[1], "pattern")
    assert str(err.value).startswith(f"{path}:3: ")
    assert "regular expression" in str(err.value)


@pytest.fixture
def furniture_file(tmp_path, monkeypatch):
    """Point kg.ingest.reader's furniture rules at a test file (the cache is cleared around the test)."""
    import kg.ingest.reader as ingest

    path = tmp_path / "furniture.tsv"
    bundled = ingest.data_path
    monkeypatch.setattr(ingest, "data_path", lambda name: path if name == "furniture.tsv" else bundled(name))
    ingest.line_rules.cache_clear()
    yield path
    ingest.line_rules.cache_clear()


@pytest.mark.parametrize("rows, line, words", [
    ("drop\t^ok$\t\ndrop\t[unclosed\tbad\n", 4, ["regular expression"]),
    ("meta.date\t^日期:(\\d+)$\tno group\n", 3, ["named group"]),
    ("dorp\t^x$\ttypo\n", 3, ["unknown kind", "dorp"]),
    ("meta.colour\t^(?P<v>x)$\t\n", 3, ["unknown kind"]),
])
def test_furniture_rules_errors(furniture_file, rows, line, words):
    from kg.ingest.reader import line_rules

    furniture_file.write_text("# test\nkind\tpattern\tnote\n" + rows, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        line_rules()
    assert str(err.value).startswith(f"{furniture_file}:{line}: "), str(err.value)
    for w in words:
        assert w in str(err.value)


def test_furniture_rules_from_file_apply(furniture_file):
    from kg.ingest.reader import make_document

    furniture_file.write_text("kind\tpattern\tnote\ndrop\t^广告\tads\nstop\t^完$\tend\n"
                              "meta.source\t^出自:(?P<v>\\S+)$\tsource\nstrip\tWATERMARK\tsite mark\n",
                              encoding="utf-8")
    doc = make_document("广告:买一送一\n出自:某报\n正文WATERMARK一句。\n完\n尾部一句。")
    assert [s.text for s in doc.sentences] == ["正文一句。"]
    assert doc.metadata["source"] == "某报"


def test_user_lexicon_errors_name_file_and_line(tmp_path):
    from kg.extract.lexicon import load

    path = write(tmp_path, "name\ttype\taliases\n甲乙科技\tEnterprise\t\n丙丁\tCompany\t\n", "user.tsv")
    with pytest.raises(DataFileError) as err:
        load((str(path),))
    assert str(err.value).startswith(f"{path}:3: ")
    assert "Company" in str(err.value)


def test_bundled_data_files_load():
    from kg.ingest.reader import line_rules
    from kg.extract.lexicon import load

    lex = load()
    rules = line_rules()
    assert lex.entries and lex.posts and lex.suffixes and lex.surnames
    assert rules.drop and rules.stop and rules.meta
