"""All the models of one emulator's world, built together (the state holds one of these)."""

from __future__ import annotations

import random

from emulator.clock import Clock
from emulator.partner.models.addresses import Addresses
from emulator.partner.models.agreements import Agreements
from emulator.partner.models.analytics import Analytics
from emulator.partner.models.audit import AuditTrail
from emulator.partner.models.base import Ids
from emulator.partner.models.carts import Carts
from emulator.partner.models.catalog import Catalog
from emulator.partner.models.consents import Consents
from emulator.partner.models.customers import Customers
from emulator.partner.models.devices import Devices
from emulator.partner.models.invoices import Invoices
from emulator.partner.models.legacy import Legacy
from emulator.partner.models.licenses import Licenses
from emulator.partner.models.lineitems import LineItems
from emulator.partner.models.managed_services import ManagedServices
from emulator.partner.models.migrations import Migrations
from emulator.partner.models.offers import Offers
from emulator.partner.models.orders import Orders
from emulator.partner.models.preferences import Preferences
from emulator.partner.models.profiles import Profiles
from emulator.partner.models.relations import Relations
from emulator.partner.models.roles import DirectoryRoleMembers, PartnerRoleMembers
from emulator.partner.models.subscriptions import Subscriptions
from emulator.partner.models.support import ServiceIncidents, ServiceRequests
from emulator.partner.models.syndication import Syndication
from emulator.partner.models.transitions import Transitions
from emulator.partner.models.usage import Usage
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
        self.legacy = Legacy(world, clock, ids).bind(self.subscriptions, self.orders, self.offers)
        # relationships, profiles, validations and domains (issue 15)
        self.relations = Relations(world, clock, ids).bind(self.customers)
        self.addresses = Addresses(world, clock, ids)
        # usage, license analytics and invoice line items (issue 15)
        self.usage = Usage(world, clock, ids).bind(self.subscriptions)
        self.analytics = Analytics(world, clock, ids).bind(self.subscriptions, self.licenses)
        self.line_items = LineItems(world, clock, ids).bind(self.subscriptions, self.catalog)
        for model in (self.orders, self.subscriptions, self.carts, self.transitions, self.migrations, self.legacy):
            model.provisioning_delay = provisioning_delay
        # customer users, directory roles and partner roles (issue 15)
        self.directory_roles = DirectoryRoleMembers(world, clock, ids).bind(self.users)
        self.partner_roles = PartnerRoleMembers(world, clock, ids)
        # Devices, policies, batch jobs and syndication migrations (issue 15): jobs finish after the same delay.
        self.devices = Devices(world, clock, ids)
        self.managed_services = ManagedServices(world, clock, ids).bind(self.licenses)
        self.preferences = Preferences(world, clock, ids)
        self.syndication = Syndication(world, clock, ids).bind(self.customers)
        self.devices.provisioning_delay = self.syndication.provisioning_delay = provisioning_delay
        # Service requests, service incidents and the audit trail (issue 15): every change of the store's tables
        # is recorded as it commits.
        self.service_requests = ServiceRequests(world, clock, ids)
        self.service_incidents = ServiceIncidents(world, clock, ids)
        self.audit = AuditTrail(world, clock, ids)
        world.store.on_change = self.audit.observe
        self.service_requests.provisioning_delay = provisioning_delay
