"""Reading input: limits, gzip and encodings, on bytes made in the test."""

from __future__ import annotations

import gzip

import pytest

import config
from archive.errors import UnreadableFile
from indexer.parsers.reading import decode, gunzip, read_file

FRENCH = "Le café où l'on déjeune coûte 5 € — « très » agréable, dit-elle à Noël."
GERMAN = "Die Bürger äußerten sich über die Änderungen in München. Größere Maßnahmen folgen."


def test_undeclared_cp1252_is_decoded_right():
    page = f"<html><body><p>{FRENCH} “Oui”, l’été.</p></body></html>".encode("cp1252")
    assert FRENCH in decode(page, html=True)
    assert "“Oui”, l’été" in decode(page, html=True)


def test_undeclared_latin1_is_decoded_right():
    page = f"<html><body><p>{GERMAN}</p></body></html>".encode("latin-1")
    assert GERMAN in decode(page, html=True)


def test_declared_charset_wins_over_guessing():
    text = "Москва — столица России, сказал он."
    page = f'<html><head><meta charset="windows-1251"></head><body><p>{text}</p>'.encode("cp1251")
    assert text in decode(page, html=True)


def test_byte_order_mark():
    assert decode("Hello, world".encode("utf-16")) == "Hello, world"
    assert decode(b"\xef\xbb\xbfHello") == "Hello"


def test_binary_data_is_refused():
    with pytest.raises(UnreadableFile, match="binary"):
        decode(bytes(range(256)) * 64)


def test_control_characters_refused_above_one_percent_of_the_text():
    # 200 characters a line, many of them multi-byte in UTF-8; tabs, newlines, CR and form
    # feeds are text. One \x01 a line is 0.5 %, four are 2 %.
    line = "Café 北京 naïve ok\t\r\f" + "é中x" * 60 + "\n"
    assert len(line) == 200
    assert decode((line.replace("x", "\x01", 1) * 50).encode("utf-8")).startswith("Café")
    with pytest.raises(UnreadableFile, match="binary"):
        decode((line.replace("x", "\x01", 4) * 50).encode("utf-8"))


def test_gzip_is_read_and_a_cut_file_refused():
    data = gzip.compress(FRENCH.encode("utf-8") * 200)
    assert gunzip(data).decode("utf-8").startswith(FRENCH)
    with pytest.raises(UnreadableFile, match="truncated"):
        gunzip(data[: len(data) // 2])


def test_gzip_bomb_is_refused_before_it_is_unpacked():
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    with pytest.raises(UnreadableFile, match="too large"):
        gunzip(bomb, limit=1024 * 1024)


def test_large_file_refused_without_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_INPUT_BYTES", 1000)
    path = tmp_path / "big.html"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(UnreadableFile, match="too large"):
        read_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableFile, match="no such file"):
        read_file(tmp_path / "nothing.html")


def test_gz_name_without_gzip_data():
    with pytest.raises(UnreadableFile, match="not gzip"):
        gunzip(b"<html><body>plain</body></html>")
