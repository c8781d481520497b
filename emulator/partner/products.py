"""The New Commerce catalogue over HTTP: products, SKUs and availabilities of a market, and a customer's view.

Link uris lack /v1 and echo the country, as get-a-product-by-id.md shows; a customer's view links under the
customer and takes the market from the customer's address [I].
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emulator.companies import CURRENCIES
from emulator.nce import MONTHS, REFUND_DAYS, TERM_CYCLE, TERM_TEXT, Product, Sku, term_id
from emulator.partner.common import collection, country_param, path_customer, query, self_uri
from emulator.partner.models.catalog import Item
from emulator.partner.models.errors import InvalidInput
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import commerce as c
from emulator.partner.schemas import resources as w
from emulator.state import EmulatorState

SOFTWARE_TYPE = ("Software", "Software")  # [I] no sample of a perpetual software product's productType


class Market:
    """Where a catalogue answer is for: a country (global routes) or a customer (its country), and how it links."""

    def __init__(self, country: str, prefix: str = "") -> None:
        self.country, self.prefix = country, prefix

    def uri(self, path: str) -> str:
        return f"{self.prefix}{path}" if self.prefix else f"{path}?country={self.country}"


def _market(state: EmulatorState, request: Request) -> Market:
    if "customer_id" in request.path_params:
        customer = path_customer(state, request)
        return Market(customer["companyProfile"]["address"]["country"], f"/customers/{customer['id']}")
    return Market(country_param(state, request))


def product_document(product: Product, market: Market) -> c.CatalogProduct:
    if product.product_type == "OnlineServicesNCE":
        kind = c.ProductType(id="OnlineServicesNCE", display_name="OnlineServicesNCE")
    elif product.product_type == "Azure":  # the Azure plan (get-a-list-of-skus-for-a-product-by-customer.md)
        kind = c.ProductType(
            id="Azure", display_name="Azure", sub_type=c.ProductSubType(id="Azure", display_name="Azure")
        )
    else:
        kind = c.ProductType(id=SOFTWARE_TYPE[0], display_name=SOFTWARE_TYPE[1])
    base = f"/products/{product.id}"
    return c.CatalogProduct(
        id=product.id,
        title=product.title,
        description=product.description,
        product_type=kind,
        is_microsoft_product=True,
        publisher_name=product.publisher,
        links=w.Links(skus=w.Link(market.uri(f"{base}/skus")), self_=w.Link(market.uri(base))),
    )


def sku_document(product: Product, sku: Sku, market: Market) -> c.CatalogSku:
    base = f"/products/{product.id}/skus/{sku.id}"
    software = product.product_type not in ("OnlineServicesNCE", "Azure")
    # The Azure plan's SKU needs the Microsoft Customer Agreement (get-a-list-of-skus-for-a-product-by-customer.md).
    agreement = "MicrosoftCustomerAgreement" if product.product_type == "Azure" else "MicrosoftCloudAgreement"
    dynamic: dict[str, Any] = {
        "hasConstraints": False,
        "isAddon": sku.add_on,
        "prerequisiteSkus": list(sku.prerequisites),
        "upgradeTargetOffers": list(sku.upgrades),
        "provisioningId": sku.license.id if sku.license else "",
    }
    return c.CatalogSku(
        id=sku.id,
        product_id=product.id,
        title=sku.title,
        description=sku.description,
        minimum_quantity=sku.minimum,
        maximum_quantity=sku.maximum,
        is_trial=sku.trial,
        supported_billing_cycles=list(dict.fromkeys(cycle for _, cycle in sku.terms)),
        purchase_prerequisites=[] if software else [agreement],
        inventory_variables=[],
        provisioning_variables=[],
        actions=[] if software or sku.trial else ["Refund"],
        dynamic_attributes=dynamic,
        links=w.Links(availabilities=w.Link(market.uri(f"{base}/availabilities")), self_=w.Link(market.uri(base))),
    )


def _term_text(duration: str, sku: Sku) -> str:
    if sku.trial:
        return f"{TERM_TEXT[duration]} commitment for trial"
    cycles = {"P1M": "monthly", "P1Y": "monthly/yearly", "P3Y": "monthly/yearly/triennial"}[duration]
    return f"{TERM_TEXT[duration]} commitment for {cycles} billing"  # [I] beyond the sample's P1Y text


def availability_document(item: Item, market: Market) -> c.Availability:
    product, sku = item.product, item.sku
    refund = [c.TermRefundOption(sequence_id=0, type="Full", expires_after=f"P{REFUND_DAYS}D")]
    terms = [
        c.Term(
            id=term_id(item.availability, duration, cycle),
            duration=duration,
            description=_term_text(duration, sku),
            billing_cycle=TERM_CYCLE[cycle],
            cancellation_policies=[] if sku.trial else [c.CancellationPolicy(refund_options=refund)],
        )
        for duration, cycle in sku.terms
        if duration in MONTHS
    ]
    renewable = bool(terms) and not sku.trial
    renewal = [
        c.RenewalInstruction(
            applicable_term_ids=[t.id for t in terms],
            renewal_options=[c.RenewalOption(renew_to_id=f"{product.id}:{sku.id}", is_auto_renewable=True)],
        )
    ]
    code, symbol = CURRENCIES.get(market.country, ("USD", "$"))
    base = f"/products/{product.id}/skus/{sku.id}/availabilities/{item.availability}"
    return c.Availability(
        id=item.availability,
        product_id=product.id,
        sku_id=sku.id,
        catalog_item_id=item.catalog_item_id,
        default_currency=c.Currency(code=code, symbol=symbol),
        segment=item.segment,
        country=market.country,
        is_purchasable=True,
        is_renewable=renewable,
        renewal_instructions=renewal if renewable else [],
        terms=terms,
        product=product_document(product, market),
        sku=sku_document(product, sku, market),
        links=w.Links(self_=w.Link(market.uri(base))),
    )


def _listing(market: Market, request: Request, path: str, items: list[Any]) -> w.Collection[Any]:
    return collection(items, self_uri(request, f"{market.prefix}{path}"))


async def list_products(state: EmulatorState, request: Request) -> Response:
    market = _market(state, request)
    params = query(state, request)
    view = params.get("targetView") or params.get("targetview")
    if not view or not view.strip():
        raise InvalidInput("'targetView' is required (for example OnlineServices).")
    products = state.models.catalog.products(view, params.get("targetSegment") or params.get("targetsegment"))
    return JSON(_listing(market, request, "/products", [product_document(p, market) for p in products]))


async def get_product(state: EmulatorState, request: Request) -> Response:
    market = _market(state, request)
    return JSON(product_document(state.models.catalog.product(request.path_params["product_id"]), market))


async def list_skus(state: EmulatorState, request: Request) -> Response:
    market = _market(state, request)
    params = query(state, request)
    product, skus = state.models.catalog.skus(
        request.path_params["product_id"], params.get("targetSegment") or params.get("targetsegment")
    )
    items = [sku_document(product, s, market) for s in skus]
    return JSON(_listing(market, request, f"/products/{product.id}/skus", items))


async def get_sku(state: EmulatorState, request: Request) -> Response:
    market = _market(state, request)
    product, sku = state.models.catalog.sku(request.path_params["product_id"], request.path_params["sku_id"])
    return JSON(sku_document(product, sku, market))


async def list_availabilities(state: EmulatorState, request: Request) -> Response:
    market = _market(state, request)
    params = query(state, request)
    found = state.models.catalog.availabilities(
        request.path_params["product_id"],
        request.path_params["sku_id"],
        params.get("targetSegment") or params.get("targetsegment"),
    )
    items = [availability_document(i, market) for i in found]
    path = f"/products/{request.path_params['product_id'].upper()}/skus/{request.path_params['sku_id'].upper()}"
    return JSON(_listing(market, request, f"{path}/availabilities", items))


async def get_availability(state: EmulatorState, request: Request) -> Response:
    market = _market(state, request)
    item = state.models.catalog.availability(
        request.path_params["product_id"], request.path_params["sku_id"], request.path_params["availability_id"]
    )
    return JSON(availability_document(item, market))
