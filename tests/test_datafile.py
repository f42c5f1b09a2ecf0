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


# ---------------------------------------------------------------------------- rules as data


def test_trigger_and_pattern_files_are_strict(tmp_path):
    from kg.extract.lexicon import Lexicon, load_patterns, load_triggers

    cases = [
        (load_triggers, "word\trole\tvalue\n# c\n甲\tverb\t\n乙\tverbb\t\n", 4, ["unknown role", "verbb"]),
        (load_triggers, "word\trole\tvalue\n甲\tenum_head\tCompany\n", 2, ["enum_head", "Company"]),
        (load_triggers, "word\trole\tvalue\n有限公司\tlegal_form\tjoins|every\n", 2, ["legal_form", "joins|every"]),
        (load_triggers, "word\trole\tvalue\n经开区\tzone_kind_short\t\n", 2, ["full form"]),
        (load_patterns, "id\trule\tpattern\tnote\nenum.heads\t\tx\t\n", 2, ["unknown pattern id", "enum.heads"]),
        (load_patterns, "id\trule\tpattern\tnote\nenum.last\t\t(a\t\n", 2, ["regular expression"]),
        (load_patterns, "id\trule\tpattern\tnote\nenum.last\t\t({@no_such_role})\t\n", 2, ["unknown trigger role"]),
        (load_patterns, "id\trule\tpattern\tnote\nenum.last\t\ta\t\nenum.last\t\tb\t\n", 3, ["given twice"]),
    ]
    for loader, text, line, words in cases:
        path = write(tmp_path, text, "rules.tsv")
        with pytest.raises(DataFileError) as err:
            loader(Lexicon(), path)
        assert str(err.value).startswith(f"{path}:{line}: "), str(err.value)
        for w in words:
            assert w in str(err.value)


def test_a_pattern_the_code_asks_for_must_be_there(tmp_path):
    from kg.extract.lexicon import Lexicon, load_patterns

    path = write(tmp_path, "id\trule\tpattern\tnote\nenum.last\t\tx\t\n", "patterns.tsv")
    with pytest.raises(DataFileError) as err:
        load_patterns(Lexicon(), path)
    assert str(err.value).startswith(f"{path}: ") and "missing pattern(s)" in str(err.value)
    assert "ref.focal_zone" in str(err.value)


def test_a_role_placeholder_expands_to_its_words_longest_first(tmp_path):
    from kg.extract.lexicon import PATTERN_IDS, Lexicon, load_patterns, load_triggers

    lex = Lexicon()
    load_triggers(lex, write(tmp_path, "word\trole\tvalue\n和\tconjunction\t\n以及\tconjunction\t\n", "t.tsv"))
    rows = "".join(f"{pid}\t{'r.' + pid if pid == 'enum.last' else ''}\tx\t\n" for pid in sorted(PATTERN_IDS - {"enum.last"}))
    load_patterns(lex, write(tmp_path, "id\trule\tpattern\tnote\n" + rows + "enum.last\tr.enum.last\t^({@conjunction})\t\n",
                             "p.tsv"))
    assert lex.pattern("enum.last").pattern == "^(以及|和)"
    assert lex.pattern("enum.last").match("以及其他").group(1) == "以及"
    assert lex.rule("enum.last") == "r.enum.last"
    assert lex.words("conjunction") == ("和", "以及")
    with pytest.raises(KeyError):
        lex.words("no_such_role")


def test_every_trigger_role_the_code_names_is_in_the_data():
    from kg.extract.lexicon import TRIGGER_ROLES, load

    lex = load()
    unused = sorted(role for role in TRIGGER_ROLES if not lex.words(role))
    assert unused == [], f"roles with no words in triggers.tsv: {unused}"


def test_ingest_rules_from_furniture_file(furniture_file):
    from kg.ingest.reader import iso_date, make_document

    furniture_file.write_text("kind\tpattern\tnote\ndate\t(\\d{4})/(\\d{1,2})/(\\d{1,2})\t\n"
                              "news_lead\t^(?P<source>某报)讯\\((?P<names>[^)]+)\\)\t\n"
                              "role_word\t记者\t\nown_source\t本站\t\n", encoding="utf-8")
    assert iso_date("2024/3/5") == "2024-03-05" and iso_date("2024年3月5日") is None
    doc = make_document("某报讯(记者 张三)今天开会。")
    assert doc.metadata["source"] == "某报" and doc.metadata["authors"] == ["张三"]


def test_one_surnames_loader():
    from kg.extract.lexicon import load
    from kg.ingest.reader import surnames

    assert load().surnames is surnames()


# ---------------------------------------------------------------------------- no vocabulary in code

import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

KG = Path(__file__).resolve().parents[1] / "kg"
# Chinese words and patterns live in kg/data/*.tsv. Allowed elsewhere: docstrings and comments
# (they explain), CJK punctuation used as syntax (、 。 “ ” 《 》: only Han characters count, and
# "\u4e00-\u9fff" written as escapes is a character range, not a word), and these places:
CJK_ALLOWED_DIRS = (
    "viz",          # labels of the graph page (the viz engineer's)
    "data/make",    # generators of the data files, which hold the words they write
)
CJK_ALLOWED_STRINGS: set = set()  # (path under kg/, exact string): none needed today
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def han_constants(source: str) -> list[tuple[int, str]]:
    """(line, value) of the string constants whose source text holds Han characters, docstrings
    aside; an f-string's value is its text with {} for each replacement field."""
    tree = ast.parse(source)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in ast.walk(node) if part is not node)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            value = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
        else:
            continue
        # the value may hold Han characters written as escapes: the source text decides
        if _HAN.search(value) and _HAN.search(ast.get_source_segment(source, node) or ""):
            found.append((node.lineno, value))
    return sorted(found)


def test_the_check_finds_words_and_patterns_but_not_docstrings_comments_or_escapes():
    source = ('"""模块说明"""\nX = ("新区", "高新区")  # 注释\nR = r"(与|同)"\nRANGE = "[\\u4e00-\\u9fff]"\nP = "、"\n'
              'def f(n):\n    """函数说明"""\n    return f"{n}公司"\n')
    assert [line for line, _ in han_constants(source)] == [2, 2, 3, 8]


def test_no_chinese_word_list_or_pattern_left_in_the_code():
    found = []
    for path in sorted(KG.rglob("*.py")):
        rel = path.relative_to(KG).as_posix()
        if rel.startswith(CJK_ALLOWED_DIRS):
            continue
        for line, value in han_constants(path.read_text(encoding="utf-8")):
            if (rel, value) not in CJK_ALLOWED_STRINGS:
                found.append(f"kg/{rel}:{line}: {value[:60]!r}")
    assert found == [], "Chinese constants outside kg/data (move them to a data file):\n" + "\n".join(found)
