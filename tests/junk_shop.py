"""The junk shop: a new database filled the quickest way a person can, "x" in every field the app
requires, "tbd" as every mitigation, one person holding every role and approving her own work,
everything at the same moment. The same steps as the demo's shop, in the same order, through the
functions both doors call. Built to be refused: at most three of the 40 tasks may read as done."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from vse_tui.core.control import changes as co
from vse_tui.core.governance import process as gov
from vse_tui.core.governance import roles as roles_core
from vse_tui.core.governance.approvals import approve
from vse_tui.core.governance.documents import create, edit
from vse_tui.core.incidents import policy
from vse_tui.core.incidents import process as inc_core
from vse_tui.core.kernel import clock
from vse_tui.core.kernel.errors import InputError
from vse_tui.core.relationship import process as relationship

X = "x"
TBD = "tbd"


def _warnings_acknowledged(store) -> None:
    for warning in roles_core.warnings(store):
        roles_core.acknowledge(store, warning, TBD)


def build_junk(store) -> dict[str, Any]:
    """The junk shop in `store` (an empty database whose actor is Jo, the only person)."""
    refs: dict[str, Any] = {}
    jo, _ = roles_core.add_person(store, "Jo", roles="SM,CM,RM,MGT,PT", os_user="jo")
    from vse_tui.store import Actor

    store.actor = Actor(operator="Jo", os_user="jo", host="box", person=jo.uuid)
    refs["jo"] = jo
    customer = create(store, "customers", {"name": X})
    supplier = create(store, "suppliers", {"name": "xx"})
    contact, _ = roles_core.add_person(store, "xxx", affiliation="customer", organisation=customer.id)
    supplier_contact, _ = roles_core.add_person(store, "xxxx", affiliation="supplier", organisation=supplier.id)
    me = gov.approval(store, None)
    gov.save_goals(store, shop_name=X, goals=X, objectives=X, provider_type="external", approved=me)
    gov.save_scope(store, services_offered=X, customers=X, boundaries=X, technology=X, exclusions=X,
                   approved=gov.approval(store, None))
    gov.save_roles(store, [(jo.uuid, "Jo", "", "SM,CM,RM,MGT,PT")], gov.approval(store, None))
    _warnings_acknowledged(store)
    fields: dict[str, Any] = {k: X for k in ("objectives", "plans", "catalogue_creation", "change_request_method",
                                              "communication_practices")}
    fields.update(priority_matrix=dict(policy.DEFAULT_MATRIX),
                  targets=[{"priority": p, "respond_minutes": r, "resolve_minutes": s}
                           for p, (r, s) in policy.DEFAULT_TARGETS.items()],
                  change_definitions={"pre-approved": X, "emergency": X, "normal": X},
                  templates={k: X for k in policy.DEFAULT_TEMPLATES},
                  security_measures={k: X for k in policy.DEFAULT_SECURITY_MEASURES},
                  review_date=(clock.today() + timedelta(days=365)).isoformat())
    gov.save_policy_draft(store, fields)
    gov.approve_policy(store, gov.approval(store, None))
    gov.save_experience(store, {k: X for k in gov.DEFAULT_CX}, gov.approval(store, None))
    needs = [(a.uuid, X, "") for a in store.records("role_assignments", {"state": "active"})]
    gov.save_resources(store, needs, X, gov.approval(store, None))
    gov.save_documents(store, {k: X for k in gov.DEFAULT_DOCUMENTS}, gov.approval(store, None))
    for rec in store.records("training"):
        roles_core.record_training(store, rec.id, due_on=clock.today() + timedelta(days=365))
        roles_core.renew_competence(store, rec.id, due_on=clock.today() + timedelta(days=366))
    # relationship: the catalogue and the agreements
    svc = create(store, "services", {"name": X, "description": X, "service_hours": "24x7", "targets": "P1 1m/1h",
                                     "quality_measures": X, "how_to_use": X, "costs": X})
    approve(store, "services", svc.id, how="signature", mitigation=TBD)
    edit(store, "services", svc.id, {"quality_measures": "xx"})
    approve(store, "services", svc.id, how="signature", mitigation=TBD)
    agr = create(store, "customer_agreements", {
        "title": X, "customer": customer.id, "scope": X, "start_date": clock.today().isoformat(),
        "review_date": clock.today().isoformat(), "provider_owner": X, "party_owner": X, "services": svc.id,
        "targets": "P1 1m/1h", "change_and_incident_procedures": X})
    approve(store, "customer_agreements", agr.id, how="signature", mitigation=TBD)
    approve(store, "customer_agreements", agr.id, contact.name, how="email", meaning="accepted by the customer",
            evidence=_junk_mail(store))
    edit(store, "customer_agreements", agr.id, {"targets": "P1 2m/1h"})
    approve(store, "customer_agreements", agr.id, how="signature", mitigation=TBD)
    approve(store, "customer_agreements", agr.id, contact.name, how="email", meaning="accepted by the customer",
            evidence=_junk_mail(store))
    sag = create(store, "supplier_agreements", {
        "title": X, "supplier": supplier.id, "scope": X, "start_date": clock.today().isoformat(),
        "review_date": clock.today().isoformat(), "provider_owner": X, "party_owner": X, "deliverables": X,
        "pricing": X})
    approve(store, "supplier_agreements", sag.id, how="signature", mitigation=TBD)
    approve(store, "supplier_agreements", sag.id, supplier_contact.name, how="email", meaning="accepted by the supplier",
            evidence=_junk_mail(store))
    edit(store, "supplier_agreements", sag.id, {"warranty": X})
    approve(store, "supplier_agreements", sag.id, how="signature", mitigation=TBD)
    approve(store, "supplier_agreements", sag.id, supplier_contact.name, how="email", meaning="accepted by the supplier",
            evidence=_junk_mail(store))
    # control: procedures, items, the schedule, one change along its whole path
    prc = create(store, "procedures", {"title": X, "raising_changes": X, "updating_schedule": X,
                                       "emergency_changes": X, "removal": X, "steps": X})
    approve(store, "procedures", prc.id, how="signature", mitigation=TBD)
    sec = create(store, "secure_procedures", {"title": X, "storage_rule": X, "steps": X, "authorisation": X})
    approve(store, "secure_procedures", sec.id, how="signature", mitigation=TBD)
    ci = create(store, "configuration_items", {"name": X, "ci_type": "hardware", "owner": X, "location": X,
                                               "description": X, "services": svc.id})
    doc = co.schedule_document(store)
    edit(store, "change_schedules", doc.id, {"rules": X})
    approve(store, "change_schedules", doc.id, how="signature", mitigation=TBD)
    ch = co.request(store, X, cis=[ci.id], purpose=X, customer=customer.id)
    co.evaluate(store, ch.id, True, how="email", mitigation=TBD)
    now = clock.now()
    co.schedule(store, ch.id, now + timedelta(hours=1), now + timedelta(hours=2))
    co.design(store, ch.id, scope=X, risks=X, mitigation=TBD)
    co.build(store, ch.id, master_copy=X)
    co.test(store, ch.id, summary=X, result="pass", levels_and_types=X)
    co.confirm_schedule(store, ch.id, X)
    co.approve_deployment(store, ch.id, how="email", mitigation=TBD)
    co.deploy(store, ch.id)
    co.review(store, ch.id, X)
    edit(store, "procedures", prc.id, {"steps": "xx"})
    approve(store, "procedures", prc.id, how="signature", mitigation=TBD)
    # feedback, and the policy updated from it
    fb = relationship.log_feedback(store, X, company=customer.uuid, contact=contact.name)
    for step in ("acknowledged", "investigated", "answered", "closed"):
        relationship.feedback_step(store, fb.id, step, outcome=X if step == "investigated" else "",
                                   signed_off_by=contact.name if step == "closed" else None)
    pol = store.latest("policies")
    fields = {k: getattr(pol, k) for k in ("objectives", "plans", "catalogue_creation", "change_definitions",
                                           "change_request_method", "communication_practices", "security_measures",
                                           "priority_matrix", "templates")}
    fields["targets"] = [t.model_dump() for t in pol.targets]
    fields["communication_practices"] = "xx"
    fields["review_date"] = pol.review_date.isoformat()
    gov.save_policy_draft(store, fields)
    gov.approve_policy(store, gov.approval(store, None))
    # incidents: one through IN.2.1-IN.2.5, one potential problem
    inc = inc_core.log_incident(store, X, customer=customer.id, service=svc.id, reporter=contact.name)
    inc_core.classify(store, inc.id, category=X, root_cause=X, cis=[ci.id])
    inc_core.notify(store, inc.id, task="IN.2.3", to=contact.name, how="email", message=X)
    inc_core.restore(store, inc.id, solution=X)
    inc_core.notify(store, inc.id, task="IN.2.4", to=contact.name, how="email", message=X)
    try:  # closing her own work with "tbd" as the second look: refused, the incident stays restored
        inc_core.close(store, inc.id, confirmed_by=contact.name, how="email", acknowledgement=TBD, no_change_reason=X)
    except InputError:
        pass
    else:
        raise AssertionError("a placeholder acknowledgement closed an incident")
    prob = inc_core.log_incident(store, "xx", customer=customer.id, service=svc.id, reporter=contact.name,
                                 problem=True)
    inc_core.classify(store, prob.id, category=X, root_cause=X)
    inc_core.raise_change(store, prob.id)
    # reports
    from vse_tui.reports import improvement, performance

    period = performance.Period(clock.today() - timedelta(days=30), clock.today(), "x")
    rep = performance.save(store, period, proposed_actions=X)
    approve(store, "performance_reports", rep.id, how="email", mitigation=TBD)
    imp = improvement.draft(store, period)
    edit(store, "improvement_reports", imp.id, {k: X for k in ("customer_view", "goals_achieved", "issues",
                                                                 "provider_view", "actions")})
    approve(store, "improvement_reports", imp.id, how="signature", mitigation=TBD)
    refs.update(customer=customer, contact=contact, service=svc, agreement=agr, change=ch, incident=inc,
                problem=prob, performance=rep, improvement=imp)
    return refs


def _junk_mail(store) -> str:
    """The 'message' a gamer attaches to an acceptance recorded for a contact: one line of junk."""
    from pathlib import Path

    path = Path(store.path).parent / "x.eml"
    path.write_text("x\n")
    return str(path)
