"""Placeholder text: what people type to fill a field they have nothing for. One rule for the
evidence map, the audit check and the core functions that refuse it (an acknowledgement that
stands for a second look, for instance): low in the layers so that every process may ask it."""

from __future__ import annotations

from typing import Any

# Words people type to fill a field they have nothing for (compared lower-cased, trimmed of
# surrounding punctuation and spaces).
PLACEHOLDERS = frozenset({
    "x", "xx", "xxx", "tbd", "tba", "tbc", "to be done", "to be decided", "to be defined", "to be confirmed",
    "n/a", "na", "n.a", "n.a.", "not applicable", "todo", "to do", "fixme", "placeholder", "test", "testing",
    "asdf", "qwerty", "foo", "bar", "foobar", "dummy", "sample", "example", "blah", "etc", "same", "same as above",
    "see above", "ditto", "later", "fill in", "fill in later", "nil", "null", "none", "nothing", "?", "-", "...",
    "abc", "aaa", "xyz", "something", "stuff", "whatever", "lorem", "lorem ipsum",
    # the same in the other languages the app speaks (a placeholder is one in any of them)
    "pendiente", "por definir", "por hacer", "por completar", "por confirmar", "a completar", "no aplica",
    "n/d", "nd", "nada", "ninguno", "ninguna", "prueba", "ejemplo", "lo mismo", "igual", "ver arriba", "después",
    "luego", "algo", "rellenar", "completar", "idem", "ídem",
    "pendente", "a definir", "a fazer", "a preencher", "a confirmar", "não se aplica", "nao se aplica", "nenhum",
    "nenhuma", "teste", "exemplo", "o mesmo", "mesmo", "ver acima", "depois", "preencher",
    "à définir", "a définir", "à faire", "a faire", "à compléter", "à remplir", "à confirmer", "à venir",
    "sans objet", "non applicable", "néant", "rien", "aucun", "aucune", "exemple", "pareil", "voir ci-dessus",
    "plus tard", "quelque chose", "truc", "bidule",
})

def normalise(text: str) -> str:
    return " ".join(str(text).split()).strip().lower()


def placeholder(text: Any) -> bool:
    """Text that stands in for content: a placeholder word, one repeated character, lorem ipsum,
    or no letter or digit at all."""
    if text is None:
        return True
    norm = normalise(str(text))
    if not norm:
        return True
    bare = norm.strip(" .,;:!-_*#/\\|'\"()[]{}<>~")
    if norm in PLACEHOLDERS or bare in PLACEHOLDERS:
        return True
    if "lorem ipsum" in norm:
        return True
    squeezed = norm.replace(" ", "")
    if len(set(squeezed)) == 1:
        return True
    return not any(ch.isalnum() for ch in norm)


def counts(mitigation: str | None) -> bool:
    """A mitigation or acknowledgement that may stand for what it replaces: not placeholder text."""
    return not placeholder(mitigation)


__all__ = ["PLACEHOLDERS", "counts", "normalise", "placeholder"]
