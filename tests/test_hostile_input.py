"""Hostile files: over 200 generated bad inputs in one `add` run with good pages among them.

Each bad file gets one clear line on stderr (no traceback, no "unexpected error"), the run exits
with 1, and every good file in the same run is still added: nothing else is lost. Files that are
damaged but still hold an article (a page cut near its end, a page whose charset lies) may be
added instead; what they may never do is vanish without a word or take the run down.
"""

from __future__ import annotations

import codecs
import gzip
import html
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from contextlib import closing
from pathlib import Path

import pytest
from hostile import (
    article_page,
    gzip_bomb,
    gzip_bytes,
    gzip_member_of_zeros,
    mutations,
    page,
    sentences,
    truncations,
)

import config
from archive import datadir, open_index
from archive.errors import UnreadableFile
from indexer.parsers import parse_file

SEED = 6
# Outcomes a file may have: it must be refused, must be added, or may be either.
REFUSED, ADDED, EITHER = "refused", "added", "either"
# Parsing time allowed per page in the hostile run (pages built to be slow hit it).
PARSE_SECONDS = 1.5


class Corpus:
    """The files of one hostile run and what each is allowed to become."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.expect: dict[Path, str] = {}
        self.categories: dict[Path, str] = {}

    def write(self, name: str, data: bytes | str, category: str, outcome: str) -> Path:
        path = self.folder / category / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        self.expect[path] = outcome
        self.categories[path] = category
        return path

    def count(self, outcome: str | None = None) -> int:
        return sum(1 for o in self.expect.values() if outcome in (None, o))


def real_pages(count: int) -> list[bytes]:
    source = config.CORPUS_DIR / "article-extraction-benchmark" / "html"
    return [gzip.decompress(p.read_bytes()) for p in sorted(source.glob("*.html.gz"))[:count]]


def build_corpus(folder: Path) -> Corpus:
    rng = random.Random(SEED)
    corpus = Corpus(folder)
    reals = real_pages(7)
    n = iter(range(10_000))

    # Good pages, among the bad ones: all of them must be added.
    for i in range(8):
        corpus.write(f"good-{i}.html", article_page(rng, i), "good", ADDED)
    corpus.write("good-real.html.gz", gzip_bytes(reals.pop()), "good", ADDED)  # not cut below
    corpus.write(
        "good-seed.txt",
        (config.CORPUS_DIR / "seed" / "000_b674c38d9c199353.txt").read_bytes(),
        "good",
        ADDED,
    )

    # Truncated pages: cut anywhere, including inside a tag or a multi-byte character.
    for real in reals:
        for cut in truncations(real, rng, 9):
            corpus.write(f"cut-{next(n)}.html", cut, "truncated", EITHER)
    for cut in truncations(gzip_bytes(reals[1]), rng, 6):  # a download cut short
        corpus.write(f"cut-{next(n)}.html.gz", cut, "truncated-gzip", REFUSED)

    # Malformed markup: spans deleted and duplicated, stray tags, comments and CDATA left open.
    for real in reals:
        for bad in mutations(real, rng, 8):
            corpus.write(f"malformed-{next(n)}.html", bad, "malformed", EITHER)
    for markup in (
        "<html><body><p>Only an opening",
        "</p></div></body>",
        "<<<<>>>>" * 500,
        "<!-- never closed " + "words " * 500,
        "<![CDATA[" + "x" * 3000,
        "<html>" + "<body>" * 50 + "text",
        "&" * 5000,
        "<p " * 3000,
    ):
        corpus.write(f"soup-{next(n)}.html", markup, "malformed", EITHER)

    # Charsets: wrong, lying, unknown, or none at all.
    text = " ".join(sentences(rng, 40)) + " Café, naïve, Zürich, São Paulo, Kraków."
    good_text = [text[i : i + 400] for i in range(0, len(text), 400)]
    for declared, actual in (
        ("utf-8", "cp1252"),
        ("utf-8", "latin-1"),
        ("iso-8859-1", "utf-8"),
        ("utf-16", "utf-8"),
        ("utf-32", "cp1252"),
        ("x-no-such-charset", "utf-8"),
        ("shift_jis", "utf-8"),
        ("koi8-r", "utf-8"),
        ("ascii", "utf-8"),
        ("utf-7", "utf-8"),
        ("", "utf-16"),
        ("", "utf-32"),
        ("", "cp1252"),
        ("", "mac_roman"),
        ("", "utf-8-sig"),
        ("utf-8", "utf-16-le"),
        ("big5", "gb18030"),
        ("utf-8", "shift_jis"),
    ):
        body = page(f"Charset {declared or 'none'} {actual}", good_text, charset=declared)
        data = body.encode(actual, errors="replace")
        corpus.write(f"charset-{next(n)}.html", data, "charset", EITHER)
    late = page("Late charset", good_text).replace("<meta charset='utf-8'>", "")
    late = late.replace("</body>", "<!--" + " " * 6000 + "--><meta charset='utf-16'></body>")
    corpus.write(f"charset-{next(n)}.html", late.encode("cp1252"), "charset", EITHER)

    # Binary data under an article's name.
    signatures = [
        b"\x89PNG\r\n\x1a\n",
        b"%PDF-1.7\n",
        b"\x7fELF\x02\x01\x01",
        b"PK\x03\x04",
        b"SQLite format 3\x00",
        b"\xff\xd8\xff\xe0",
        b"GIF89a",
        b"\x00\x00\x01\x00",
    ]
    for i in range(28):
        blob = signatures[i % len(signatures)] + rng.randbytes(rng.randint(10, 200_000))
        corpus.write(f"binary-{next(n)}.html", blob, "binary", REFUSED)
    for i in range(4):
        corpus.write(f"binary-{next(n)}.txt", rng.randbytes(5000 + i), "binary", REFUSED)
    corpus.write("binary-zeros.html", bytes(100_000), "binary", REFUSED)
    corpus.write("binary-in-gzip.html.gz", gzip_bytes(rng.randbytes(50_000)), "binary", REFUSED)

    # Gzip bombs and broken gzip.
    corpus.write("bomb-4gib.html.gz", gzip_bomb(4), "gzip-bomb", REFUSED)
    corpus.write("bomb-1member.html.gz", gzip_member_of_zeros(256), "gzip-bomb", REFUSED)
    corpus.write("bomb-nested.html.gz", gzip_bytes(gzip_member_of_zeros(512)), "gzip-bomb", REFUSED)
    corpus.write("bomb-as-html.html", gzip_member_of_zeros(128), "gzip-bomb", REFUSED)
    valid = gzip_bytes(reals[2])
    for i in range(4):
        broken = bytearray(valid)
        broken[len(broken) // 2 + i] ^= 0xFF  # data corrupted in the middle
        corpus.write(f"gzip-corrupt-{i}.html.gz", bytes(broken), "gzip-broken", REFUSED)
    corpus.write("gzip-bad-crc.html.gz", valid[:-8] + b"\0" * 8, "gzip-broken", REFUSED)
    corpus.write("gzip-header-only.html.gz", valid[:10], "gzip-broken", REFUSED)
    corpus.write("not-gzip.html.gz", reals[3], "gzip-broken", EITHER)

    # Size: a 50 MB page, a page just over the limit, and nothing at all.
    big = page("A fifty megabyte page", ["Words words words. " * 2000] * 1300).encode()
    corpus.write("huge-50mb.html", big, "huge", REFUSED)
    over = config.MAX_INPUT_BYTES + 1
    corpus.write(
        "huge-over-limit.txt", (b"Over the limit.\n\n" * (over // 17 + 1))[:over], "huge", REFUSED
    )
    corpus.write("empty.html", b"", "empty", REFUSED)
    corpus.write("blank.txt", b" \n\t\n \r\n" * 100, "empty", REFUSED)
    corpus.write("empty.html.gz", gzip_bytes(b""), "empty", REFUSED)

    # Deep nesting and other shapes a tree walker may choke on.
    prose = "<p>" + " ".join(sentences(rng, 8)) + "</p>"
    for tag in ("div", "table", "li", "a"):
        deep = f"<html><head><title>Deep {tag}</title></head><body>"
        deep += f"<{tag}>" * 100_000 + prose + f"</{tag}>" * 100_000 + "</body></html>"
        corpus.write(f"deep-{tag}.html", deep, "deep", EITHER)
    corpus.write("deep-unclosed.html", "<div>" * 200_000 + prose, "deep", EITHER)
    corpus.write(
        "long-attribute.html",
        page("Long attribute", [prose]).replace(
            "<article>", "<article class='" + "x" * 2_000_000 + "'>"
        ),
        "deep",
        EITHER,
    )
    corpus.write("one-long-line.txt", "word " * 1_000_000, "deep", EITHER)
    corpus.write("one-long-word.html", page("Long word", ["x" * 3_000_000]), "deep", EITHER)
    corpus.write("many-breaks.html", page("Breaks", ["<br>" * 200_000 + prose]), "deep", EITHER)
    corpus.write(
        "many-paragraphs.html", page("Paragraphs", ["Short line."] * 200_000), "deep", EITHER
    )

    # Not articles: link lists, error pages, a script-only page, an image-only page.
    links = "".join(f"<li><a href='/story/{i}'>Story {i} headline</a></li>" for i in range(300))
    for name, body in (
        ("links", f"<html><body><ul>{links}</ul></body></html>"),
        ("error-404", "<html><title>404 Not Found</title><body><h1>Not Found</h1></body></html>"),
        ("script-only", "<html><body><div id=app></div><script>" + "x=1;" * 5000 + "</script>"),
        ("image-only", "<html><body><img src=a.jpg><img src=b.jpg></body></html>"),
        ("frameset", "<html><frameset><frame src=a.html></frameset></html>"),
        ("xml", "<?xml version='1.0'?><root><item>1</item></root>"),
        ("json", json.dumps({"title": "Not a page", "body": ["x"] * 10})),
    ):
        corpus.write(f"{name}.html", body, "not-an-article", REFUSED)
    corpus.write("one-word.txt", "Headline", "not-an-article", REFUSED)

    # Hostile file names (control characters, a newline) on otherwise good articles.
    for i, name in enumerate(("new\nline", "escape\x1b[2J", "tab\tname", "quote'\"", "ünï")):
        corpus.write(f"{name}-{i}.html", article_page(rng, 1000 + i), "file-names", ADDED)
    return corpus


def manifest_outcomes(data_dir: Path) -> dict[str, str]:
    """origin -> status of every original the run recorded."""
    with closing(sqlite3.connect(datadir.manifest_path(data_dir))) as conn:
        return dict(conn.execute("SELECT origin, status FROM originals"))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory):
    """One `add` of every hostile file with the good ones, as a user would run it."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = build_corpus(root / "in")
    data_dir = root / "data"
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "indexer", "add", str(root / "in"), "--data-dir", str(data_dir)],
        cwd=config.REPO_ROOT,
        env={**os.environ, "MORGUE_PARSE_TIME_LIMIT_SECONDS": str(PARSE_SECONDS)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.monotonic() - started
    return corpus, data_dir, process, seconds


def test_at_least_200_hostile_files(hostile_run) -> None:
    corpus, *_ = hostile_run
    assert corpus.count() - corpus.count(ADDED) >= 200


def test_no_traceback_and_exit_code_1(hostile_run) -> None:
    _, _, process, _ = hostile_run
    assert process.returncode == 1, process.stderr[-3000:]
    assert "Traceback" not in process.stderr
    assert "unexpected error" not in process.stderr.lower(), process.stderr[-3000:]


def test_each_refused_file_gets_exactly_one_line(hostile_run) -> None:
    corpus, data_dir, process, _ = hostile_run
    lines = process.stderr.splitlines()
    stored = manifest_outcomes(data_dir)
    named: dict[str, list[str]] = {}
    for line in lines:
        origin, sep, message = line.partition(": ")
        assert sep and message, f"not 'file: message': {line!r}"
        assert len(line) < 400, line
        named.setdefault(origin, []).append(message)
    for path, outcome in corpus.expect.items():
        shown = str(path.absolute()).encode("unicode_escape").decode("ascii")
        messages = named.get(str(path.absolute()), []) + (
            named.get(shown, []) if shown != str(path.absolute()) else []
        )
        kept = stored.get(str(path.absolute())) in ("indexed", "superseded")
        assert len(messages) + kept == 1, (path.name, messages, kept)
        if outcome == REFUSED:
            assert messages, f"{path.name} ({corpus.categories[path]}) was added"
        if outcome == ADDED:
            assert kept, f"{path.name} was refused: {messages}"


def test_every_good_file_is_added(hostile_run) -> None:
    corpus, data_dir, process, _ = hostile_run
    stored = manifest_outcomes(data_dir)
    good = [p for p, outcome in corpus.expect.items() if outcome == ADDED]
    assert all(stored.get(str(p.absolute())) == "indexed" for p in good)
    index = open_index(data_dir)
    titles = {index.get(i).title for i in index.ids()}
    assert {f"Harbour plan approved, report {i}" for i in range(8)} <= titles
    summary = process.stdout.strip().splitlines()[-1]
    assert summary.startswith("Added ") and "failed" in summary.lower(), summary


def test_refusals_say_why(hostile_run) -> None:
    corpus, _, process, _ = hostile_run
    by_origin = dict(line.partition(": ")[::2] for line in process.stderr.splitlines())
    for path, category in corpus.categories.items():
        message = by_origin.get(str(path.absolute()), "")
        if category == "gzip-bomb" or path.name.startswith("huge-"):
            assert message.startswith("too large"), (path.name, message)
        elif category == "binary":
            assert "binary" in message or "gzip" in message, (path.name, message)
        elif category == "gzip-broken" and corpus.expect[path] == REFUSED:
            assert "gzip" in message, (path.name, message)
        elif path.name == "many-paragraphs.html":  # 200,000 <p>: minutes of extraction
            assert message.startswith("not parsed within"), message


def test_special_files_named_on_the_command_line(tmp_path: Path, run_indexer) -> None:
    """A pipe (reading it would block forever), a dangling link and a link loop are refused,
    each with its line, and the good page named with them is added."""
    os.mkfifo(tmp_path / "pipe.html")
    os.symlink(tmp_path / "nowhere.html", tmp_path / "dangling.html")
    os.symlink(tmp_path / "loop.html", tmp_path / "loop.html")
    (tmp_path / "good.html").write_text(article_page(random.Random(SEED), 1))
    names = ("pipe.html", "dangling.html", "loop.html", "missing.html", "good.html")
    data_dir = tmp_path / "data"
    code, out, err = run_indexer(
        "add", *(tmp_path / name for name in names), "--data-dir", data_dir
    )
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 4, err
    for name, line in zip(names, lines, strict=False):
        assert line.startswith(f"{tmp_path / name}: "), line
    assert out.strip().splitlines()[-1] == "Added 1, failed 4."
    assert open_index(data_dir).count() == 1


def test_special_files_inside_a_walked_directory(tmp_path: Path) -> None:
    """Inside a walked directory too, a pipe, a dangling link and a link loop named like articles
    get a line each (they were left out without a word); a failing file whose name holds a
    newline, an escape sequence or an undecodable byte gets one line with them escaped."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    os.mkfifo(folder / "pipe.html")
    os.symlink(folder / "nowhere.html", folder / "sub" / "dangling.html")
    os.symlink(folder / "loop.txt", folder / "loop.txt")
    os.symlink(folder, folder / "sub" / "back-up")  # a link to a directory is not followed
    os.mkfifo(folder / "not-an-article-name")  # not an article's name: not picked up
    (folder / "good.html").write_text(article_page(random.Random(SEED), 1))
    binary = bytes(range(256)) * 40
    (folder / "two\nlines.html").write_bytes(binary)
    (folder / "clear\x1b[2J.html").write_bytes(binary)
    os.mkfifo(os.fsencode(folder) + b"/latin-\xe9.html")
    process = subprocess.run(
        [sys.executable, "-m", "indexer", "add", str(folder), "--data-dir", str(tmp_path / "d")],
        cwd=config.REPO_ROOT,
        capture_output=True,
        timeout=300,
    )
    assert process.returncode == 1
    err = process.stderr.decode("utf-8")
    lines = err.splitlines()
    expected = {
        f"{folder}/pipe.html: not a regular file",
        f"{folder}/sub/dangling.html: a link to a missing file",
        f"{folder}/two\\nlines.html: binary data, not text",
        f"{folder}/clear\\x1b[2J.html: binary data, not text",
        f"{folder}/latin-\\udce9.html: not a regular file",
    }
    assert expected <= set(lines), err
    (loop,) = [line for line in lines if line.startswith(f"{folder}/loop.txt: ")]
    assert "symbolic links" in loop
    assert len(lines) == len(expected) + 1, err
    assert "\x1b" not in err
    assert process.stdout.decode().strip().splitlines()[-1] == "Added 1, failed 6."


def test_gzip_bomb_is_refused_without_reading_it_into_memory(tmp_path: Path, monkeypatch) -> None:
    """A 4 MB .gz that expands to 4 GiB stops at the size limit, with memory to match."""
    monkeypatch.setattr(config, "MAX_INPUT_BYTES", 8 * 1024 * 1024)
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip_bomb(4))
    assert bomb.stat().st_size < 5 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match="too large"):
            parse_file(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * config.MAX_INPUT_BYTES + bomb.stat().st_size


def test_script_in_title_and_captions_is_kept_as_text_and_escaped_in_json(
    tmp_path: Path, run_indexer
) -> None:
    rng = random.Random(SEED)
    attack = "<script>alert('x')</script>"
    caption = f"Quayside zanzibarword {html.escape(attack)} (Photo: Agency)"
    paragraphs = [html.escape(attack) + " " + " ".join(sentences(rng, 4)) for _ in range(5)]
    head = f"<meta name='description' content='{html.escape(attack, quote=True)} summary'>"
    doc = page(f"{html.escape(attack)} Mayor resigns", paragraphs, head=head).replace(
        "</article>",
        f"<figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure></article>",
    )
    (tmp_path / "attack.html").write_text(doc)
    text_attack = f"{attack} Port strike ends\n\n" + "\n\n".join(
        " ".join(sentences(rng, 3)) for _ in range(5)
    )
    (tmp_path / "attack.txt").write_text(text_attack)
    data = tmp_path / "data"
    code, _, err = run_indexer(
        "add", tmp_path / "attack.html", tmp_path / "attack.txt", "--data-dir", data
    )
    assert (code, err) == (0, "")

    index = open_index(data)
    titles = {index.get(i).title for i in index.ids()}
    assert titles == {f"{attack} Mayor resigns", f"{attack} Port strike ends"}  # text kept

    for query in ("alert", "zanzibarword", "script"):  # body, caption, both
        code, out, err = run_indexer("search", query, "--json", "--data-dir", data)
        assert code == 0, err
        hits = json.loads(out)["hits"]
        assert hits, query
        for hit in hits:
            assert "<script" not in hit["snippet"].lower(), hit["snippet"]
        # The page's snippet shows the words of the attack, escaped.
        escaped = ("&lt;script&gt;", "&lt;<mark>script</mark>&gt;")
        assert any(e in hit["snippet"] for hit in hits for e in escaped), (query, hits)


def test_bom_and_declared_charsets_read_right(tmp_path: Path, run_indexer) -> None:
    """Pages whose charset lies in a recoverable way keep their accented words."""
    rng = random.Random(SEED)
    paragraphs = [" ".join(sentences(rng, 3)) + " Zürich café" for _ in range(5)]
    for number, (declared, actual) in enumerate(
        (("utf-8", "cp1252"), ("iso-8859-1", "utf-8"), ("", "utf-16"), ("", "utf-8-sig"))
    ):
        doc = page(f"Charset test {number}", paragraphs, charset=declared)
        data = doc.encode(actual)
        if actual == "utf-16":
            assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        (tmp_path / f"c{number}.html").write_bytes(data)
    data_dir = tmp_path / "data"
    code, _, err = run_indexer("add", *sorted(tmp_path.glob("c*.html")), "--data-dir", data_dir)
    assert (code, err) == (0, "")
    index = open_index(data_dir)
    assert index.count() == 4
    for article_id in index.ids():
        assert "Zürich café" in index.get(article_id).body[0]
