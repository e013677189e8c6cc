"""One of a few choices, chosen with the arrow keys: moving is choosing (as radio groups do in
every other program), and the chosen one is marked apart from the cursor, so that "high" never
looks chosen while "medium" is."""

from __future__ import annotations

from textual.widgets import Checkbox, RadioButton, RadioSet


class Mark(RadioButton):
    """A choice that reads without colour: ● chosen, ○ not."""

    @property
    def _button(self):
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button


class Tick(Checkbox):
    """A box that reads without colour: ✓ ticked, ✗ not."""

    @property
    def _button(self):
        self.BUTTON_INNER = "✓" if self.value else "✗"
        return super()._button


class Choice(RadioSet):
    DEFAULT_CSS = """
    Choice > RadioButton.-on { text-style: bold; color: $success; }
    Choice > RadioButton.-on > .toggle--label { text-style: bold underline; }
    Choice:blur > RadioButton.-selected > .toggle--label { background: transparent; }
    """

    def on_mount(self) -> None:
        self.call_after_refresh(self._cursor_on_choice)

    def on_resize(self) -> None:
        """Choices too long for one line (class -stacked) stand in as many columns as the width holds,
        so that every one of them is in view in a short form (the five ways a closure was confirmed
        took five rows at 80x24, two of them scrolled out of sight)."""
        if not self.has_class("-stacked"):
            return
        buttons = list(self.query(RadioButton))
        if not buttons:
            return
        widest = max(b.label.cell_length for b in buttons) + 5  # the mark, a space, a gap
        columns = max(1, min(len(buttons), self.content_region.width // widest))
        if columns == 1:
            if self.styles.layout is not None and self.styles.layout.name == "grid":
                self.styles.layout = "vertical"
            return
        if self.styles.grid_size_columns != columns or self.styles.layout is None or self.styles.layout.name != "grid":
            self.styles.layout = "grid"
            self.styles.grid_size_columns = columns
            self.styles.grid_rows = "1"

    def _cursor_on_choice(self) -> None:
        button = self._pressed_button
        if button is None or button not in self._nodes:  # removed meanwhile (a step left at once)
            return
        if self.pressed_index >= 0:  # the cursor starts on the chosen one
            self._selected = self.pressed_index

    def action_next_button(self) -> None:
        super().action_next_button()
        if self.has_focus:  # a key, not the set being mounted
            self.action_toggle_button()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        if self.has_focus:
            self.action_toggle_button()


__all__ = ["Choice", "Mark", "Tick"]
