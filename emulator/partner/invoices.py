"""The partner's invoices: list (size/offset) and one invoice (App+User only)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import collection, int_param, require_app_user
from emulator.partner.responses import PartnerError, link
from emulator.partner.responses import PartnerJSON as JSON
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 200
_PROVIDERS = {"office": "Office", "azure": "Azure", "one_time": "OneTime"}
_KINDS = {"billing_line_items": "BillingLineItems", "usage_line_items": "UsageLineItems"}


def _line_items_uri(linked: str, detail: dict[str, Any]) -> str:
    provider = _PROVIDERS.get(detail["billingProvider"], detail["billingProvider"])
    kind = _KINDS.get(detail["invoiceLineItemType"], detail["invoiceLineItemType"])
    return f"/invoices/{linked}/lineitems/{provider}/{kind}"


def invoice_document(invoice: dict[str, Any]) -> dict[str, Any]:
    # Links name the invoice with its type ("Recurring-D0…", "OneTime-G0…"); the id itself is bare.
    linked = f"{invoice['invoiceType']}-{invoice['id']}"
    doc = {k: v for k, v in invoice.items() if k not in ("invoiceDetails", "documentType", "invoiceType")}
    doc["pdfDownloadLink"] = f"/invoices/{invoice['id']}/documents/statement"
    doc["invoiceDetails"] = [
        {
            **detail,
            "links": {"self": link(_line_items_uri(linked, detail))},
            "attributes": {"objectType": "InvoiceDetail"},
        }
        for detail in invoice["invoiceDetails"]
    ]
    doc["documentType"] = invoice["documentType"]
    doc["invoiceType"] = invoice["invoiceType"]
    doc["links"] = {"self": link(f"/invoices/{linked}")}
    doc["attributes"] = {"objectType": "Invoice"}
    return doc


async def list_invoices(state: EmulatorState, request: Request) -> Response:
    size = min(int_param(request, "size", MAX_PAGE_SIZE, 0) or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    offset = int_param(request, "offset", 0, 0)
    table = state.world.invoices
    chosen = table.page(offset, size)
    next_link = link(f"/invoices?size={size}&offset={offset + size}") if offset + size < len(table) else None
    return JSON(
        collection([invoice_document(i) for i in chosen], f"/invoices?size={size}&offset={offset}", next_link=next_link)
    )


async def get_invoice(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    wanted = request.path_params["invoice_id"].strip()
    bare = wanted.split("-", 1)[1] if "-" in wanted else wanted
    invoice = state.world.invoices.get(bare)
    if invoice is None:
        raise PartnerError(404, 1000, f"Not found: no invoice with id {wanted[:64]}.")
    return JSON(invoice_document(invoice))
