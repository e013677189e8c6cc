"""`record edit` on a record that stands approved: junk is refused with the item and the rule named,
nothing saved; an edit in the shop's words is saved and says that the approval no longer holds."""

import contextlib
import io

from vse_tui.cli import main
from vse_tui.core.governance import process as gov

OBJECTIVES = "Answer every call within the hour and keep the two customers' offices running."


def _cli(db, *args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", db, "--as", "Tester", *args])
    return code, out.getvalue(), err.getvalue()


def _approved_policy(store):
    fields = gov.policy_defaults()
    fields["objectives"] = OBJECTIVES
    gov.save_policy_draft(store, fields)
    return gov.approve_policy(store, gov.approval(store, None))


def test_junk_in_an_approved_policy_is_refused_and_nothing_is_saved(store, tmp_path):
    pol = _approved_policy(store)
    code, out, err = _cli(str(tmp_path / "t.db"), "record", "edit", pol.id, "--set", "objectives=asdf")
    assert code != 0 and out == ""
    assert "POL-0001 is approved" in err and "objectives: placeholder text" in err and "Nothing was saved" in err
    after = store.get("policies", pol.id)
    assert (after.status, after.version, after.objectives) == ("approved", pol.version, OBJECTIVES)


def test_an_edit_in_the_shop_s_words_says_the_approval_no_longer_holds(store, tmp_path):
    pol = _approved_policy(store)
    code, out, err = _cli(str(tmp_path / "t.db"), "record", "edit", pol.id, "--set",
                          "objectives=Answer every call within two hours and visit each office monthly.")
    assert code == 0, err
    after = store.get("policies", pol.id)
    assert after.status == "updated" and after.version == pol.version + 1
    assert out.splitlines() == [f"POL-0001: version {after.version} (updated)",
                                f"POL-0001 was approved in v{pol.version}; version {after.version} is updated and "
                                "needs approving again: vse-tui approve POL-0001"]
    # a draft is written a step at a time: no approval to lose, no content rule at each edit
    code, out, _err = _cli(str(tmp_path / "t.db"), "record", "add", "procedures", "--set", "title=Change procedure")
    assert code == 0
    code, out, err = _cli(str(tmp_path / "t.db"), "record", "edit", "PRC-0001", "--set", "steps=tbd")
    assert code == 0, err
    assert "needs approving again" not in out
