"""An example of the pytest plugin: copy this file into a project that installs partner-center-emulator.

    pip install partner-center-emulator requests
    pytest examples/test_partner_center_example.py

The `partner_center` fixture is one emulator per test session (reset before each test) with HTTP, HTTPS and its
local CA; `partner_center_routing` also sends hard-coded https://login.microsoftonline.com and
https://api.partnercenter.microsoft.com calls of requests and httpx to it.
"""

import requests

ADMIN = "admin@northwindpartners.onmicrosoft.com"  # MFA registered
SERVICE = "svc-automation@northwindpartners.onmicrosoft.com"  # password only


def list_customers(base_url, token, ca_bundle):
    """Stands for your own code that calls Partner Center."""
    return requests.get(
        f"{base_url}/v1/customers?size=5", headers={"Authorization": f"Bearer {token}"}, verify=ca_bundle, timeout=30
    )


def test_calls_with_mfa_pass(partner_center):
    token = partner_center.token(user=ADMIN, mfa=True)
    response = list_customers(partner_center.url, token, str(partner_center.ca_bundle))
    assert response.status_code == 200
    partner_center.assert_all_compliant()  # fails with the report if any recorded call would be refused


def test_a_password_sign_in_is_refused_under_enforcement(partner_center):
    token = partner_center.token(user=SERVICE)  # the user's posture: a password only
    response = list_customers(partner_center.url, token, str(partner_center.ca_bundle))
    assert response.status_code == 401
    assert response.json()["code"] == "900421"
    partner_center.set_profile("pilot-2019")  # the 2019 pilot: refused only with MS-Enforce-MFA: true
    assert list_customers(partner_center.url, token, str(partner_center.ca_bundle)).status_code == 200


def test_hard_coded_urls(partner_center_routing):
    token = partner_center_routing.token(app="6911ffe2-0be5-5494-bde7-59b718f99954")  # app-only: not affected
    response = requests.get(
        "https://api.partnercenter.microsoft.com/v1/customers?size=1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200
