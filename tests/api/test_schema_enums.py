"""The schema names the closed sets an integrator can switch on: event types, decisions, classes."""

from tests.api.helpers import API


def schemas(client) -> dict:
    return client.get(f"{API}/schema.json").json()["components"]["schemas"]


def refs(prop: dict) -> set[str]:
    """The component names a property points to, directly or through allOf/oneOf."""
    found = {prop["$ref"]} if "$ref" in prop else set()
    for part in prop.get("allOf", []) + prop.get("oneOf", []):
        found |= refs(part)
    return {name.rsplit("/", 1)[-1] for name in found}


def test_review_and_report_fields_are_enums(client):
    spec = schemas(client)
    case_event, finding = spec["CaseEvent"]["properties"], spec["Finding"]["properties"]
    assert refs(case_event["type"]) == refs(finding["type"]) == {"EventTypeEnum"}
    assert refs(case_event["severity"]) == refs(finding["severity"]) == {"SeverityEnum"}
    assert refs(case_event["decision"]) == {"DecisionEnum", "BlankEnum"}
    assert refs(case_event["new_type"]) == {"EventTypeEnum", "BlankEnum"}
    assert refs(case_event["new_class"]) == {"AamiClassEnum", "BlankEnum"}
    assert spec["AamiClassEnum"]["enum"] == ["N", "S", "V", "F", "Q"]
    assert "pvc" in spec["EventTypeEnum"]["enum"]


def test_one_enum_per_choice_set(client):
    """A decision's input and the events' output share their enums (no hashed duplicates)."""
    spec = schemas(client)
    decision = spec["DecisionRequest"]["properties"]
    assert refs(decision["decision"]) == {"DecisionEnum"}
    assert "EventTypeEnum" in refs(decision["new_type"])
    assert not [
        name
        for name in spec
        if name.startswith(("TypeEnum", "NewType", "Decision"))
        and name.endswith("Enum")
        and name != "DecisionEnum"
    ]
