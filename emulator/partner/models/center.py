"""All the models of one emulator's world, built together (the state holds one of these)."""

from __future__ import annotations

import random

from emulator.clock import Clock
from emulator.partner.models.agreements import Agreements
from emulator.partner.models.audit import AuditTrail
from emulator.partner.models.base import Ids
from emulator.partner.models.carts import Carts
from emulator.partner.models.catalog import Catalog
from emulator.partner.models.consents import Consents
from emulator.partner.models.customers import Customers
from emulator.partner.models.invoices import Invoices
from emulator.partner.models.licenses import Licenses
from emulator.partner.models.migrations import Migrations
from emulator.partner.models.offers import Offers
from emulator.partner.models.orders import Orders
from emulator.partner.models.profiles import Profiles
from emulator.partner.models.subscriptions import Subscriptions
from emulator.partner.models.support import ServiceIncidents, ServiceRequests
from emulator.partner.models.transitions import Transitions
from emulator.partner.models.users import CustomerUsers
from emulator.world import World


class PartnerCenter:
    """The models of one emulator's world."""

    def __init__(
        self, world: World, clock: Clock, rng: random.Random, *, seeded: bool, provisioning_delay: float = 30.0
    ) -> None:
        ids = Ids(rng, seeded)
        self.profiles = Profiles(world, clock, ids)
        self.customers = Customers(world, clock, ids)
        self.users = CustomerUsers(world, clock, ids)
        self.subscriptions = Subscriptions(world, clock, ids)
        self.orders = Orders(world, clock, ids)
        self.consents = Consents(world, clock, ids)
        self.offers = Offers(world, clock, ids)
        self.invoices = Invoices(world, clock, ids)
        self.catalog = Catalog(world, clock, ids)
        self.agreements = Agreements(world, clock, ids)
        self.subscriptions.catalog = self.catalog
        self.carts = Carts(world, clock, ids).bind(self.catalog, self.agreements)
        self.licenses = Licenses(world, clock, ids).bind(self.catalog, self.subscriptions, self.users)
        self.transitions = Transitions(world, clock, ids).on(self.subscriptions)
        self.migrations = Migrations(world, clock, ids).on(self.subscriptions)
        # Service requests, service incidents and the audit trail (issue 15): every change of the store's tables
        # is recorded as it commits.
        self.service_requests = ServiceRequests(world, clock, ids)
        self.service_incidents = ServiceIncidents(world, clock, ids)
        self.audit = AuditTrail(world, clock, ids)
        world.store.on_change = self.audit.observe
        for model in (self.orders, self.subscriptions, self.carts, self.transitions, self.migrations):
            model.provisioning_delay = provisioning_delay
        self.service_requests.provisioning_delay = provisioning_delay
