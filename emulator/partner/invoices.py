"""The partner's invoices over HTTP: list (size/offset) and one invoice (App+User only)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import collection, int_param, query, require_app_user, wire
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.responses import link
from emulator.partner.schemas import billing as b
from emulator.partner.schemas import resources as w
from emulator.state import EmulatorState

MAX_PAGE_SIZE = 200
_PROVIDERS = {"office": "Office", "azure": "Azure", "one_time": "OneTime"}
_KINDS = {"billing_line_items": "BillingLineItems", "usage_line_items": "UsageLineItems"}


def _line_items_uri(linked: str, detail: dict[str, Any]) -> str:
    provider = _PROVIDERS.get(detail["billingProvider"], detail["billingProvider"])
    kind = _KINDS.get(detail["invoiceLineItemType"], detail["invoiceLineItemType"])
    return f"/invoices/{linked}/lineitems/{provider}/{kind}"


def invoice_document(invoice: dict[str, Any]) -> b.Invoice:
    # Links name the invoice with its type ("Recurring-D0…", "OneTime-G0…"); the id itself is bare.
    linked = f"{invoice['invoiceType']}-{invoice['id']}"
    details = [
        wire(
            b.InvoiceDetail,
            detail,
            links=w.self_link(_line_items_uri(linked, detail)),
            attributes=w.Attributes("InvoiceDetail"),
        )
        for detail in invoice["invoiceDetails"]
    ]
    return wire(
        b.Invoice,
        invoice,
        pdfDownloadLink=f"/invoices/{invoice['id']}/documents/statement",
        invoiceDetails=details,
        links=w.self_link(f"/invoices/{linked}"),
        attributes=w.Attributes("Invoice"),
    )


async def list_invoices(state: EmulatorState, request: Request) -> Response:
    params = query(state, request)
    size = min(int_param(params, "size", MAX_PAGE_SIZE, 0) or MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    offset = int_param(params, "offset", 0, 0)
    invoices = state.models.invoices
    chosen = invoices.page(offset, size)
    next_link = link(f"/invoices?size={size}&offset={offset + size}") if offset + size < invoices.count() else None
    return JSON(
        collection([invoice_document(i) for i in chosen], f"/invoices?size={size}&offset={offset}", next_link=next_link)
    )


async def get_invoice(state: EmulatorState, request: Request) -> Response:
    require_app_user(request)
    return JSON(invoice_document(state.models.invoices.get(request.path_params["invoice_id"])))
