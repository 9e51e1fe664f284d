"""The OpenAPI schema and its two documentation pages, which must work without internet access."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS

# Every endpoint of the API, with the methods it answers.
API_OPERATIONS = {
    "/api/v1/me/": {"get": "me_retrieve"},
    "/api/v1/accounts/": {"get": "accounts_list"},
    "/api/v1/accounts/{number}/": {"get": "accounts_retrieve"},
    "/api/v1/accounts/link/": {"post": "accounts_link"},
    "/api/v1/accounts/{number}/link/": {"delete": "accounts_unlink"},
    "/api/v1/work-orders/": {"get": "work_orders_list"},
    "/api/v1/work-orders/fault-reports/": {"post": "work_orders_report_fault"},
    "/api/v1/work-orders/service-applications/": {"post": "work_orders_file_service_application"},
    "/api/v1/work-orders/{number}/": {"get": "work_orders_retrieve"},
    "/api/v1/work-orders/{number}/{step}/": {"post": "work_orders_step"},
    "/api/v1/work-orders/{number}/actions/{action}/": {"post": "work_orders_act"},
    # Complaints (issue 9).
    "/api/v1/complaints/": {"get": "complaints_list", "post": "complaints_file"},
    "/api/v1/complaints/history/": {"get": "complaints_history"},
    "/api/v1/complaints/{number}/": {"get": "complaints_retrieve"},
    "/api/v1/complaints/{number}/actions/{action}/": {"post": "complaints_act"},
    # Pre-sale (issue 11): the public notices, knowledge base and calculator; asking; an account's tariffs.
    "/api/v1/notices/": {"get": "notices_list"},
    "/api/v1/notices/{id}/": {"get": "notices_retrieve"},
    "/api/v1/kb/articles/": {"get": "kb_articles_search"},
    # In-sale (issue 12).
    "/api/v1/business-applications/": {"post": "business_applications_create"},
    "/api/v1/business-applications/funnel/": {"get": "business_applications_funnel"},
    "/api/v1/business-applications/{number}/": {"get": "business_applications_retrieve"},
    "/api/v1/business-applications/{number}/documents/": {"post": "business_applications_supply_documents"},
    "/api/v1/changes-of-use/": {"post": "changes_of_use_create"},
    "/api/v1/kb/articles/{id}/": {"get": "kb_articles_retrieve"},
    "/api/v1/work-orders/enquiries/": {"post": "work_orders_ask_question"},
    "/api/v1/tariffs/calculator/": {"get": "tariffs_calculator"},
    "/api/v1/tariffs/accounts/{number}/": {"get": "tariffs_account_comparison"},
    # Self-service kiosks (outlets.kiosk).
    "/api/v1/kiosk/heartbeat/": {"post": "kiosk_heartbeat"},
    "/api/v1/kiosk/sessions/": {"post": "kiosk_session_start"},
    "/api/v1/kiosk/sessions/current/": {"delete": "kiosk_session_end"},
    "/api/v1/kiosk/accounts/": {"get": "kiosk_accounts"},
    "/api/v1/kiosk/accounts/{number}/usage/": {"get": "kiosk_account_usage"},
    "/api/v1/kiosk/outages/": {"get": "kiosk_outages"},
    "/api/v1/kiosk/orders/": {"get": "kiosk_orders"},
    "/api/v1/kiosk/filings/": {"get": "kiosk_filing_kinds"},
    "/api/v1/kiosk/filings/{kind}/": {"post": "kiosk_file_request"},
    "/api/v1/kiosk/tickets/": {"post": "kiosk_issue_ticket"},
    "/api/v1/kiosk/appointments/{reference}/check-in/": {"post": "kiosk_check_in"},
    # Inspections (issue 13)
    "/api/v1/inspections/": {"get": "inspections_list"},
    "/api/v1/inspections/flags/": {"get": "inspections_flags_list"},
    "/api/v1/inspections/flags/{id}/review/": {"post": "inspections_flags_review"},
    "/api/v1/inspections/{number}/": {"get": "inspections_retrieve"},
    "/api/v1/inspections/{number}/checklist/": {"post": "inspections_record_results"},
    "/api/v1/inspections/{number}/findings/": {"post": "inspections_record_finding"},
    # outlets (issue 10)
    "/api/v1/outlets/": {"get": "outlets_find"},
    "/api/v1/outlets/tickets/": {"get": "outlets_my_tickets"},
    "/api/v1/outlets/tickets/{id}/{step}/": {"post": "outlets_ticket_step"},
    "/api/v1/outlets/counters/{id}/": {"get": "outlets_counter"},
    "/api/v1/outlets/counters/{id}/{step}/": {"post": "outlets_counter_step"},
    "/api/v1/outlets/statistics/": {"get": "outlets_statistics"},
    "/api/v1/outlets/{code}/board/": {"get": "outlets_board"},
    "/api/v1/outlets/{code}/tickets/": {"post": "outlets_take_ticket"},
    # Managers' figures for a BI tool (issue 15).
    "/api/v1/figures/": {"get": "figures_summary"},
    "/api/v1/figures/measures/": {"get": "figures_measures"},
    "/api/v1/figures/daily/": {"get": "figures_daily"},
    # Complaint analysis meetings, improvement actions and the typical-case library (issue 9).
    "/api/v1/complaints/meetings/": {"get": "complaint_meetings_list", "post": "complaint_meetings_open"},
    "/api/v1/complaints/meetings/{id}/": {"get": "complaint_meetings_detail"},
    "/api/v1/complaints/meetings/{id}/minutes/": {"post": "complaint_meetings_minutes"},
    "/api/v1/complaints/meetings/{id}/actions/": {"post": "complaint_meetings_add_action"},
    "/api/v1/complaints/actions/": {"get": "complaint_actions_list"},
    "/api/v1/complaints/actions/{id}/": {"get": "complaint_actions_detail"},
    "/api/v1/complaints/actions/{id}/done/": {"post": "complaint_actions_done"},
    "/api/v1/complaints/actions/{id}/cancel/": {"post": "complaint_actions_cancel"},
    "/api/v1/complaints/cases/": {"get": "complaint_cases_list", "post": "complaint_cases_write"},
    "/api/v1/complaints/cases/study/": {"get": "complaint_cases_my_study"},
    "/api/v1/complaints/cases/{id}/": {"get": "complaint_cases_detail"},
    "/api/v1/complaints/cases/{id}/publish/": {"post": "complaint_cases_publish"},
    "/api/v1/complaints/cases/{id}/withdraw/": {"post": "complaint_cases_withdraw"},
    "/api/v1/complaints/cases/{id}/assignments/": {"post": "complaint_cases_assign"},
    "/api/v1/complaints/cases/{id}/read/": {"post": "complaint_cases_read"},
    "/api/v1/complaints/cases/{id}/study/": {"get": "complaint_cases_study_status"},
    # Billing (issue 14).
    "/api/v1/kiosk/accounts/{number}/bills/": {"get": "kiosk_account_bills"},
    "/api/v1/kiosk/accounts/{number}/payments/": {"post": "kiosk_start_payment"},
    "/api/v1/bills/": {"get": "bills_list"},
    "/api/v1/bills/{id}/": {"get": "bills_retrieve"},
    "/api/v1/payments/": {"post": "payments_create"},
    "/api/v1/payments/callback/": {"post": "payments_callback"},
    "/api/v1/payments/{reference}/": {"get": "payments_retrieve"},
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_openapi_3_and_documents_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    operations = {
        path: {method: operation["operationId"] for method, operation in methods.items()}
        for path, methods in schema["paths"].items()
    }
    assert operations == API_OPERATIONS


def test_every_operation_is_tagged_and_summarised(schema):
    for methods in schema["paths"].values():
        for operation in methods.values():
            assert operation["tags"]
            assert operation["summary"]


def test_schema_documents_the_account_list_filters_and_the_link_input(schema):
    list_parameters = {p["name"] for p in schema["paths"]["/api/v1/accounts/"]["get"]["parameters"]}
    assert list_parameters == {"q", "status", "customer_class", "grid", "page"}
    link_input = schema["components"]["schemas"]["AccountLink"]
    assert link_input["required"] == ["number", "proof"]
    assert "id_number_masked" in schema["components"]["schemas"]["Account"]["properties"]


def test_schema_is_valid_and_generated_without_warnings(tmp_path):
    GENERATOR_STATS.reset()  # count only this generation's warnings, not those of earlier tests
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3.")


@pytest.mark.parametrize("url_name", ["api-docs", "api-redoc"])
def test_api_docs_load_only_local_static_files(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    for outside in ("http://", "https://", "cdn", "unpkg", "jsdelivr", "googleapis"):
        assert outside not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith(".js") for asset in assets)
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL)
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), f"{asset} is not a static file"


def test_the_api_root_lists_the_entry_points_and_the_docs(client, db):
    response = client.get(reverse("api:root"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    links = response.json()
    assert links["work-orders"].endswith(reverse("api:work-order-list"))
    assert links["docs"].endswith(reverse("api-docs"))


# --- Every status an operation answers is in the schema ---------------------------------------------------


def operations_of(schema: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, methods in schema["paths"].items() for method, op in methods.items()]


def test_every_operation_lists_the_errors_it_can_give_each_with_a_body(schema):
    for path, method, operation in operations_of(schema):
        codes = set(operation["responses"])
        # An operation open to anyone (its security admits no credentials: `{}`) never answers 403.
        public = {} in operation.get("security", [])
        assert {"400"} | (set() if public else {"403"}) <= codes, f"{method} {path}"
        if "{" in path or "page" in {p["name"] for p in operation.get("parameters", [])}:
            assert "404" in codes, f"{method} {path}"
        for code in codes - {"200", "201", "204"}:
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body["$ref"] in ("#/components/schemas/Error", "#/components/schemas/ValidationError")


def test_the_link_operation_documents_its_throttle_and_real_constraints(schema):
    assert "429" in schema["paths"]["/api/v1/accounts/link/"]["post"]["responses"]
    link_input = schema["components"]["schemas"]["AccountLink"]["properties"]
    assert (link_input["number"]["minLength"], link_input["number"]["maxLength"]) == (10, 10)
    assert (link_input["proof"]["minLength"], link_input["proof"]["maxLength"]) == (18, 18)
    assert link_input["proof"]["pattern"] == "^[0-9A-Za-z]{18}$"


def test_every_status_an_operation_answers_is_documented(schema, alice, charlie):
    """Call every operation anonymously, as a customer and as staff, with a missing object, a bad page,
    NUL in the query and an empty or malformed body: each answer's status must be in the schema."""
    from django.test import Client

    undocumented = []
    for persona in (None, alice, charlie):
        client = Client()
        if persona is not None:
            client.force_login(persona)
        for path, method, operation in operations_of(schema):
            url = re.sub(r"\{[^}]+\}", "0000000000", path)
            for target, body in [(url, "{}"), (url + "?page=999", "{}"), (url + "?q=%00", "{}"), (url, "{")]:
                response = client.generic(method.upper(), target, body.encode(), content_type="application/json")
                if str(response.status_code) not in operation["responses"]:
                    undocumented.append(f"{method} {target} as {persona}: {response.status_code}")
    assert not undocumented, "\n".join(undocumented)
