"""The shared input limits (devops_plan.inputs): bounded reads of regular files only, YAML
trees bounded in depth, expansion and aliases, and text that can be written anywhere."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from devops_plan.inputs import (
    InputRefused,
    YamlLimits,
    check_yaml_tree,
    describe_size,
    load_yaml,
    read_limited,
    text_problem,
)


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * width)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_read_limited_reads_a_regular_file(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(b"name: x\n")
    assert read_limited(f, 100, "YAML") == b"name: x\n"
    assert read_limited(f, 8, "YAML") == b"name: x\n"  # exactly the limit is fine


def test_read_limited_refuses_more_than_the_limit_without_reading_it_all(tmp_path: Path) -> None:
    f = tmp_path / "sparse.yaml"
    with f.open("wb") as handle:
        handle.seek(10 * 1024 * 1024 * 1024)  # 10 GiB claimed, nothing stored
        handle.write(b"\n")
    with pytest.raises(InputRefused, match=r"is larger than 1 KiB; expected a design"):
        read_limited(f, 1024, "a design")


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: os.mkfifo(p), "a named pipe"),
        (lambda p: os.symlink("/dev/zero", p), "a character device"),
        (lambda p: os.symlink("/dev/null", p), "a character device"),
        (lambda p: p.mkdir(), "a folder"),
    ],
    ids=["fifo", "link-to-dev-zero", "link-to-dev-null", "folder"],
)
def test_read_limited_refuses_special_files_at_once(tmp_path: Path, make, kind: str) -> None:
    path = tmp_path / "special.yaml"
    make(path)
    started = time.monotonic()
    with pytest.raises(InputRefused, match=f"is {kind}.*; expected YAML"):
        read_limited(path, 1024, "YAML")
    assert time.monotonic() - started < 5  # a FIFO without a writer must not block


def test_read_limited_names_missing_and_dangling(tmp_path: Path) -> None:
    with pytest.raises(InputRefused, match="no such file"):
        read_limited(tmp_path / "nope", 10, "YAML")
    os.symlink(tmp_path / "gone", tmp_path / "dangling")
    with pytest.raises(InputRefused, match="no such file"):
        read_limited(tmp_path / "dangling", 10, "YAML")


def test_describe_size() -> None:
    assert describe_size(512 * 1024) == "512 KiB"
    assert describe_size(16 * 1024 * 1024) == "16 MiB"
    assert describe_size(1000) == "1,000 bytes"


def test_billion_laughs_is_refused_quickly_with_where() -> None:
    started = time.monotonic()
    with pytest.raises(InputRefused, match="expands to more than 200,000 values") as info:
        load_yaml(billion_laughs())
    assert time.monotonic() - started < 5
    assert info.value.line is not None


def test_a_small_alias_expansion_is_fine() -> None:
    root = load_yaml(billion_laughs(levels=3, width=3))
    assert len(root["a2"]) == 3


def test_alias_count_is_capped() -> None:
    text = "base: &b {x: 1}\nitems: [" + ", ".join(["*b"] * 20) + "]\n"
    check_yaml_tree(load_yaml(text), YamlLimits(max_aliases=20))
    with pytest.raises(InputRefused, match="more than 19 alias references"):
        check_yaml_tree(load_yaml(text), YamlLimits(max_aliases=19))


def test_expanded_text_is_capped() -> None:
    text = 'a: &a "' + "x" * 1000 + '"\nb: [' + ", ".join(["*a"] * 100) + "]\n"
    with pytest.raises(InputRefused, match="of text"):
        check_yaml_tree(load_yaml(text), YamlLimits(max_chars=50_000))


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_quickly(opener: str) -> None:
    if opener == "- ":
        text = "".join("  " * i + "-\n" for i in range(3000)) + "  " * 3000 + "x\n"
    else:
        closer = "]" if opener == "[" else "}"
        text = "x: " + opener * 5000 + "1" + closer * 5000 + "\n"
    started = time.monotonic()
    with pytest.raises(InputRefused, match="nesting is deeper than 64 levels"):
        load_yaml(text)
    assert time.monotonic() - started < 5


def test_a_node_that_contains_itself_is_refused() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(InputRefused, match="contains it"):
        check_yaml_tree({"a": loop})


def test_non_scalar_keys_are_refused() -> None:
    with pytest.raises(InputRefused, match="a mapping key must be a plain value") as info:
        load_yaml("ok: 1\n? [a, b]\n: c\n")
    assert (info.value.line, info.value.column) == (2, 3)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("\x1b[31mred", "a control character (U+001B) at character 1"),
        ("a\rb", "a control character (U+000D)"),
        ("del\x7f", "a control character (U+007F)"),
        ("c1\x9b", "a control character (U+009B)"),
        ("abc\u202edcba", "a bidirectional text control (U+202E) at character 4"),
        ("\u2066isolate", "a bidirectional text control (U+2066)"),
        ("\ud800", "a lone surrogate (U+D800)"),
        ("line\u2028sep", "a line separator (U+2028)"),
        ("\ufffe", "a Unicode noncharacter (U+FFFE)"),
    ],
)
def test_text_problem_names_the_character(text: str, what: str) -> None:
    problem = text_problem(text)
    assert problem is not None and what in problem


@pytest.mark.parametrize(
    "text", ["plain", "tab\there", "two\nlines", "Zürich – café ☕", "👩‍💻 joined", "<script>"]
)
def test_ordinary_text_passes(text: str) -> None:
    assert text_problem(text) is None


def test_text_in_keys_and_tagged_values_is_checked() -> None:
    with pytest.raises(InputRefused, match=r"a key contains a bidirectional") as info:
        load_yaml('ok: 1\n"k\\u202e": 2\n')
    assert info.value.line == 2
    with pytest.raises(InputRefused, match=r"a value contains a bidirectional"):
        load_yaml('a: !custom "x\\u2067"\n')


def _refused_by_rule(ch: str) -> str | None:
    """What text_problem refuses, character by character, as docs/security.md states it."""
    code = ord(ch)
    if ch in "\t\n":
        return None
    if code < 0x20 or 0x7F <= code < 0xA0:
        return "a control character"
    if ch in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return "a bidirectional text control"
    if 0xD800 <= code < 0xE000:
        return "a lone surrogate"
    if ch in "\u2028\u2029":
        return "a line separator"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return "a Unicode noncharacter"
    return None


def test_text_problem_refuses_exactly_the_characters_the_rule_names() -> None:
    # Every code point, alone and after plain text (the position is reported).
    for code in range(0x110000):
        ch = chr(code)
        what = _refused_by_rule(ch)
        if what is None:
            assert text_problem(ch) is None and text_problem("ab" + ch) is None, hex(code)
        else:
            expected = f"contains {what} (U+{code:04X}) at character 3; expected plain text"
            assert text_problem("ab" + ch + "\x01") == expected, hex(code)
