"""Admin API under /api/admin (SPEC §5): staff token auth, a permission on every endpoint, audit of every action."""


def blueprints():
    from . import finance
    from . import batches
    from . import coupons
    from . import invoices
    from . import words
    from . import accounts, after_sale_rules, complaints, inventory, orders, refunds, requests, risk, stats, workbench
    return [accounts.blp, orders.blp, requests.blp, refunds.blp, stats.blp, inventory.blp, risk.blp, workbench.blp,
            complaints.blp, invoices.blp, after_sale_rules.blp, batches.blp,
            coupons.blp, finance.blp, words.blp]
