"""A field's name as it reads inside a sentence. The labels themselves are the standard's names
(`core.model.standard.field_label`, data/standard/names): the one source of field labels. The
field names are keys: never translated."""

from __future__ import annotations

from vse_tui.i18n import SOURCE_LANGUAGE, language


def field_words(name: str) -> str:
    """A field's name as it reads inside a sentence ("root cause: placeholder text"): in English its
    name in words, in another language its label there with a small first letter."""
    if language() == SOURCE_LANGUAGE:
        return name.replace("_", " ")
    # here, not at the top: importing it loads pydantic
    from ..model.standard import field_label  # here: the first screen opens without the models

    label = field_label(name, "")
    return label[:1].lower() + label[1:] if label else name.replace("_", " ")
