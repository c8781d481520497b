"""New Commerce over HTTP: agreements, carts and checkout, provisioning status, licenses, relationship requests.

Handlers parse, call one model method and render; the rules live in the models (carts, agreements, licenses,
subscriptions). Facts: new-commerce-facts.md §2, §4–6.
"""

from __future__ import annotations

from typing import Any, Literal

from msgspec import UNSET
from starlette.requests import Request
from starlette.responses import Response

from emulator.nce import LicenseSku
from emulator.partner.common import collection, create_once, path_customer, query, read_body, request_key, wire
from emulator.partner.gate import CLAIMS_KEY
from emulator.partner.models.agreements import agreement_type
from emulator.partner.models.errors import InvalidInput, PartnerTokenRefused
from emulator.partner.orders import order_document
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import commerce as c
from emulator.partner.schemas import resources as w
from emulator.partner.schemas.requests import AgreementCreate, CartCreate, LicenseUpdate, MigrationIn, TransitionCreate
from emulator.policy import caller, is_app_user
from emulator.state import EmulatorState

# --- agreements ------------------------------------------------------------------------------------------------


async def list_agreement_templates(state: EmulatorState, request: Request) -> Response:
    kind = agreement_type(query(state, request).get("agreementType"))
    items = [wire(c.AgreementMetadata, t) for t in state.models.agreements.templates(kind)]
    return JSON(collection(items))


def agreement_document(agreement: dict[str, Any], *, created: bool) -> c.Agreement:
    shown = {k: v for k, v in agreement.items() if k != "id"}
    if not created:
        shown.pop("userId", None)  # the confirmation list shows no userId (get-confirmation-of-customer-agreement.md)
    return wire(c.Agreement, shown, attributes=w.Attributes("Agreement"))


async def list_agreements(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    kind = agreement_type(query(state, request).get("agreementType"))
    agreements = state.models.agreements.of(customer, kind)
    return JSON(collection([agreement_document(a, created=False) for a in agreements]))


async def confirm_agreement(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request, app_user=True)
    user = caller(request.scope[CLAIMS_KEY]).object_id or ""
    agreements = state.models.agreements
    agreement = await create_once(
        request,
        agreements,
        AgreementCreate,
        lambda spec, key: agreements.confirm(customer, spec, user, request_key=key),
    )
    return JSON(agreement_document(agreement, created=True), status_code=201)


async def direct_signed_status(state: EmulatorState, request: Request) -> Response:
    path_customer(state, request)
    # [I] no customer of the emulated world signs in the admin center itself: only partner confirmations count.
    return JSON(c.DirectSignedStatus(is_signed=False))


# --- carts and checkout ----------------------------------------------------------------------------------------


def cart_document(cart: dict[str, Any]) -> c.Cart:
    links = w.Links(self_=w.Link(f"/customers/{cart['_customerId']}/carts/{cart['id']}"))
    return wire(c.Cart, cart, links=links, attributes=w.Attributes("Cart"))


def _who(request: Request) -> str:
    """lastModifiedUser: the signed-in user's object id, or the app's id for an app-only call [I]."""
    who = caller(request.scope[CLAIMS_KEY])
    return (who.object_id if who.app_user else who.app_id) or ""


async def create_cart(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    carts = state.models.carts
    user = _who(request)
    cart = await create_once(
        request, carts, CartCreate, lambda spec, key: carts.create(customer, spec, user, request_key=key)
    )
    return JSON(cart_document(cart), status_code=201)


async def get_cart(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    return JSON(cart_document(state.models.carts.get(customer, request.path_params["cart_id"])))


async def update_cart(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    spec = await read_body(request, CartCreate)
    cart = state.models.carts.update(customer, request.path_params["cart_id"], spec, _who(request))
    return JSON(cart_document(cart), status_code=201)  # update-a-cart.md's sample answers 201


async def checkout(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    result = state.models.carts.checkout(customer, request.path_params["cart_id"], request_key=request_key(request))
    orders = [order_document(state, o) for o in result.orders]
    return JSON(c.CheckoutResult(orders=orders, order_errors=[]), status_code=201)


# --- provisioning ----------------------------------------------------------------------------------------------


async def order_provisioning(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    order = state.models.orders.get(customer, request.path_params["order_id"])
    done = state.models.orders.status(order) == "completed"
    items = [
        c.OrderLineItemProvisioning(
            order_line_item_id=str(item["lineItemNumber"]),  # [I] the sample's id form is not shown
            line_item_number=item["lineItemNumber"],
            status="fulfilled" if done else "unfulfilled",
            quantity_provisioning_information=[
                c.QuantityProvisioning(
                    quantity=item["quantity"], status="Fulfilled" if done else "PrefulfillmentPending"
                )
            ],
        )
        for item in order["lineItems"]
    ]
    return JSON(collection(items))


async def subscription_provisioning(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    subscription = state.models.subscriptions.get(customer, request.path_params["subscription_id"])
    item = state.models.catalog.item(subscription["offerId"])
    status: Literal["success", "pending"] = "pending" if subscription["status"] == "pending" else "success"
    return JSON(
        c.SubscriptionProvisioning(
            sku_id=item.sku.id if item is not None else "",  # [I] the catalogue SKU id; the sample's is not shown
            status=status,
            quantity=subscription["quantity"],
            end_date=subscription.get("commitmentEndDate", ""),
            attributes=w.Attributes("SubscriptionProvisioningStatus"),
        )
    )


# --- licenses --------------------------------------------------------------------------------------------------


def _product_sku(sku: LicenseSku) -> c.ProductSku:
    return c.ProductSku(
        id=sku.id, name=sku.name, sku_part_number=sku.part_number, target_type=sku.target, license_group_id="group1"
    )


def _plans(sku: LicenseSku, status: str) -> list[c.LicenseServicePlan]:
    return [
        c.LicenseServicePlan(
            display_name=p.display_name, service_name=p.name, id=p.id, capability_status=status, target_type="User"
        )
        for p in sku.plans
    ]


async def subscribed_skus(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    groups = request.query_params.getlist("licenseGroupIds") or ["Group1"]
    # [I] every emulated SKU is an Entra (group1) license; Minecraft (group2) is not sold here.
    found = state.models.licenses.subscribed(customer) if any(g.lower() == "group1" for g in groups) else []
    items = [
        c.SubscribedSku(
            available_units=s.available,
            active_units=s.active,
            consumed_units=s.consumed,
            suspended_units=s.suspended,
            total_units=s.active,
            warning_units=0,
            product_sku=_product_sku(s.sku),
            service_plans=_plans(s.sku, "Enabled"),
            capability_status="Enabled",
            attributes=w.Attributes("SubscribedSku"),
        )
        for s in found
    ]
    return JSON(collection(items))


async def user_licenses(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    skus = state.models.licenses.of_user(customer, request.path_params["user_id"])
    items = [
        c.License(service_plans=_plans(s, "Assigned"), product_sku=_product_sku(s), attributes=w.Attributes("License"))
        for s in skus
    ]
    return JSON(collection(items))


async def update_licenses(state: EmulatorState, request: Request) -> Response:
    if not is_app_user(request.scope[CLAIMS_KEY]):
        raise PartnerTokenRefused()
    customer = path_customer(state, request)
    change = await read_body(request, LicenseUpdate)
    assigned = state.models.licenses.update(customer, request.path_params["user_id"], change)
    return JSON(
        c.LicenseUpdateResult(
            licenses_to_assign=[c.LicenseAssignment(sku_id=s) for s in assigned],
            license_warnings=[],
            attributes=w.Attributes("LicenseUpdate"),
        ),
        status_code=201,
    )


# --- transitions and migrations --------------------------------------------------------------------------------


def _errors(problems: list[tuple[int, str]]) -> list[c.EligibilityError]:
    return [c.EligibilityError(code=code, description=text) for code, text in problems]


async def transition_eligibilities(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    kind = (query(state, request).get("eligibilityType") or "immediate").strip().lower()
    if kind not in ("immediate", "scheduled"):
        raise InvalidInput(f"'eligibilityType' must be immediate or scheduled, got '{kind[:32]}'.")
    transitions = state.models.transitions
    source, targets = transitions.eligibilities(customer, request.path_params["subscription_id"])
    problems = _errors(transitions.problems(source))
    items = [
        c.TransitionEligibility(
            operation_id=state.models.transitions.ids.guid(),  # [I] a new id per answer
            catalog_item_id=target.catalog_item_id,
            title=target.sku.title,
            description=target.sku.description,
            quantity=source["quantity"],
            subscription_eligibilities=[
                c.SubscriptionEligibility(
                    is_eligible=True,
                    subscription_id=s["id"],
                    subscription_friendly_name=s["friendlyName"],
                    subscription_term_duration=s["termDuration"],
                    subscription_billing_cycle=s["billingCycle"],
                    errors=[],
                )
                for s in owned
            ],
            eligibilities=[
                c.Eligibility(is_eligible=not problems, transition_type=t, errors=problems)
                for t in ("transition_only", "transition_with_license_transfer")
            ],
            attributes=w.Attributes("TransitionEligibility"),
        )
        for target, owned in targets
    ]
    return JSON(collection(items))


def transition_document(transition: dict[str, Any]) -> c.Transition:
    shown = {k: v for k, v in transition.items() if k != "id"}
    events = [wire(c.TransitionEvent, e, attributes=w.Attributes("TransitionEvent")) for e in transition["events"]]
    return wire(c.Transition, shown, operationId=transition["id"], events=events, attributes=w.Attributes("Transition"))


async def create_transition(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    transitions = state.models.transitions
    sid = request.path_params["subscription_id"]
    transition = await create_once(
        request,
        transitions,
        TransitionCreate,
        lambda spec, key: transitions.create(customer, sid, spec, request_key=key),
    )
    return JSON(transition_document(transitions.current(transition)))  # transition-a-new-commerce-subscription: 200


async def list_transitions(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    operation = query(state, request).get("operationId")
    history = state.models.transitions.of(customer, request.path_params["subscription_id"], operation)
    return JSON(collection([transition_document(t) for t in history]))


async def validate_migration(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    spec = await read_body(request, MigrationIn)
    subscription, item, problems = state.models.migrations.validate(customer, spec)
    return JSON(
        c.MigrationValidation(
            current_subscription_id=subscription["id"].lower(),
            is_eligible=not problems,
            catalog_item_id=item.catalog_item_id if item is not None and not problems else UNSET,
            errors=_errors(problems),
        )
    )


def migration_document(migration: dict[str, Any]) -> c.Migration:
    return wire(c.Migration, migration)


async def create_migration(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    migrations = state.models.migrations
    migration = await create_once(
        request, migrations, MigrationIn, lambda spec, key: migrations.create(customer, spec, request_key=key)
    )
    return JSON(migration_document(migrations.current(migration)), status_code=201)  # [I] 201 as other creations


async def get_migration(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    return JSON(migration_document(state.models.migrations.get(customer, request.path_params["migration_id"])))


async def migration_events(state: EmulatorState, request: Request) -> Response:
    customer = path_customer(state, request)
    subscription = query(state, request).get("current_subscription_id")
    events = state.models.migrations.events(customer, subscription)
    return JSON([wire(c.MigrationEvent, e) for e in events])  # a bare JSON array, as documented


# --- relationship requests -------------------------------------------------------------------------------------


async def relationship_request(state: EmulatorState, request: Request) -> Response:
    url = (
        "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship"
        f"&partnerId={state.world.partner.id}&msppId=0&DAP=false#/BillingAccounts/partner-invitation"
    )
    return JSON(c.RelationshipRequest(url=url, attributes=w.Attributes("RelationshipRequest")))
