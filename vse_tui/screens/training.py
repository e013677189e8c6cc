"""Training and competence due (IN.1.1, IN.1.2): a view of the records kept with the role
assignments on the Governance side; Enter opens one. Nothing is copied here."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..core.evidence.due import due_items
from ..core.kernel import clock
from ..widgets.keys import KeyHint
from .base import OnceModal


class TrainingDueScreen(OnceModal):
    BINDINGS = [Binding("escape", "close", "Close", id="training_close")]

    def compose(self) -> ComposeResult:
        today = clock.today()
        items = [i for i in due_items(self.app.store, today, horizon=90) if i.kind == "training"]
        options = []
        for item in items:
            d = item.days(today)
            when = Text(f"{-d}d overdue", style="dark_orange") if d < 0 else Text(f"in {d}d")
            options.append(Option(Text.assemble(f"{item.ref:<9} ", Text(item.title[:52].ljust(53)), when), id=item.ref))
        with Vertical():
            yield Static(Text("Training and competence due in the next 90 days (IN.1.1, IN.1.2)", style="bold"))
            if options:
                yield OptionList(*options, id="training")
            else:
                yield Static(Text("Nothing due. Training needs are set per role in the setup (g, w: Resources).", style="dim"))
            yield KeyHint([("close", "closes")], extra="enter opens the record")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
