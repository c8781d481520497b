"""Syndication-to-CSP migration batches over HTTP (no documentation page: the partnercenterservices SDK's
operations and models; emulator.partner.models.syndication says what is inferred)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emulator.partner.common import create_once
from emulator.partner.models.base import Doc
from emulator.partner.responses import PartnerJSON as JSON
from emulator.partner.schemas import devices as d
from emulator.state import EmulatorState


def batch_document(batch: Doc) -> d.SyndicationMigration:
    return d.SyndicationMigration(
        id=batch["id"],
        partner_id=batch["partnerId"],
        created_date=batch["createdDate"],
        mosi_customer_ids=list(batch["mosiCustomerIds"]),
    )


def status_document(state: EmulatorState, batch: Doc, entries: list[Doc]) -> d.SyndicationMigrationStatus:
    status = state.models.syndication.status(batch)
    return d.SyndicationMigrationStatus(
        id=batch["id"],
        partner_id=batch["partnerId"],
        customers_data=[
            d.CustomerSyndicationMigration(
                mosi_customer_id=entry["mosiCustomerId"],
                customer_name=entry["customerName"],
                tenant_id=entry["tenantId"],
                csp_customer_id=entry["cspCustomerId"],
                status=status,
                migrated_subscriptions=[
                    d.SubscriptionSyndicationMigrationStatus(
                        mosi_subscription_id=s["mosiSubscriptionId"],
                        csp_subscription_id=s["cspSubscriptionId"],
                        csp_subscription_offer_id=s["cspSubscriptionOfferId"],
                        csp_subscription_start_date=s["cspSubscriptionStartDate"],
                        csp_subscription_end_date=s["cspSubscriptionEndDate"],
                    )
                    for s in entry["migratedSubscriptions"]
                ],
            )
            for entry in entries
        ],
    )


async def create_migration(state: EmulatorState, request: Request) -> Response:
    model = state.models.syndication
    batch = await create_once(
        request, model, d.SyndicationMigrationCreate, lambda spec, key: model.create(spec, request_key=key)
    )
    return JSON(batch_document(batch), status_code=202)


async def get_migration(state: EmulatorState, request: Request) -> Response:
    batch = state.models.syndication.get(request.path_params["migrationBatchId"])
    return JSON(status_document(state, batch, batch["customers"]))


async def get_customer_migration(state: EmulatorState, request: Request) -> Response:
    model = state.models.syndication
    batch = model.get(request.path_params["migrationBatchId"])
    entry = model.of_customer(batch, request.path_params["mosiCustomerId"])
    return JSON(status_document(state, batch, [entry]))
