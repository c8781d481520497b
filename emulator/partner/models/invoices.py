"""The partner's invoices (read-only): pages and one invoice, by its bare id or its typed link name."""

from __future__ import annotations

from emulator.partner.models.base import Doc, Model
from emulator.partner.models.errors import InvoiceNotFound


class Invoices(Model):
    def count(self) -> int:
        return len(self.world.invoices)

    def page(self, offset: int, size: int) -> list[Doc]:
        return self.world.invoices.page(offset, size)

    def get(self, invoice_id: str) -> Doc:
        wanted = invoice_id.strip()
        # Links name an invoice with its type ("Recurring-D0…"); the id itself is bare.
        bare = wanted.split("-", 1)[1] if "-" in wanted else wanted
        invoice = self.world.invoices.get(bare)
        if invoice is None:
            raise InvoiceNotFound(wanted)
        return invoice
